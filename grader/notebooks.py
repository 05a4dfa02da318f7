"""Notebook submissions: read with nbformat, keep only the definitions.

Grading must not run a notebook's demo code (a training loop, ``plt.show()``,
``time.sleep(600)``), so of every code cell only the top-level definitions are kept:
imports, functions, classes and assignments whose value calls nothing. IPython magics
(``%…``, ``%%…``) and shell escapes (``!…``) are dropped first. An import of a module the
grading machine lacks (``matplotlib`` for plots, say) is skipped rather than failing the
topic; ``from __future__`` imports move to the top. What is kept still runs in the
sandboxed worker, like any submission (decorators and default arguments execute).
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import nbformat

from grader.topics import TOPICS

METADATA_KEY = "torchgrade"


class NotebookError(ValueError):
    """The notebook cannot be used; the message says why in one line."""


def read(path: Path) -> nbformat.NotebookNode:
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises JSON, validation and reader errors of many kinds
        raise NotebookError(
            f"{path.name} is not a valid notebook ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:150] if str(exc) else 'unreadable'})"
        ) from None
    return notebook


def topic_of(path: Path, notebook: nbformat.NotebookNode, topic: str | None = None) -> tuple[str, str]:
    """(topic, the rule that decided it): ``--topic``, the metadata field, or the file name."""
    if topic:
        return topic, "given with --topic"
    declared = notebook.metadata.get(METADATA_KEY, {}).get("topic")
    if declared in TOPICS:
        return declared, f"from the notebook's metadata ({METADATA_KEY}.topic)"
    named = [t for t in TOPICS if t in path.stem.lower()]
    if len(named) == 1:
        return named[0], f"from the file name ({path.name})"
    raise NotebookError(
        f"cannot tell which topic {path.name} answers: put a topic in its name, "
        f"set metadata {METADATA_KEY}.topic, or pass --topic"
    )


def _without_magics(source: str) -> str:
    kept = []
    for line in source.splitlines():
        stripped = line.lstrip()
        kept.append("" if stripped.startswith(("%", "!")) else line)
    return "\n".join(kept)


def _calls_nothing(node: ast.AST) -> bool:
    return not any(
        isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for n in ast.walk(node)
    )


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return node.value is not None and _calls_nothing(node.value)
    return False


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _tolerant_import(text: str) -> str:
    return "try:\n" + textwrap.indent(text, "    ") + "\nexcept ImportError:\n    pass"


def definitions(source: str) -> tuple[list[str], str]:
    """(``from __future__`` lines, the other top-level definitions) of one cell.

    A cell that does not parse is kept whole, so the learner sees the syntax error.
    """
    source = _without_magics(source)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], source
    lines = source.splitlines()
    future, kept = [], []
    for node in tree.body:
        if not _is_definition(node):
            continue
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = "\n".join(lines[start - 1 : node.end_lineno])
        if _is_future(node):
            future.append(text)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            kept.append(_tolerant_import(text))
        else:
            kept.append(text)
    return future, "\n\n".join(kept)


def to_module(notebook: nbformat.NotebookNode) -> str:
    """One Python module made of the definitions in every code cell, in order."""
    future: list[str] = []
    bodies: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell_future, body = definitions(cell.source)
            future += [line for line in cell_future if line not in future]
            if body.strip():
                bodies.append(body)
    return "\n".join(future) + "\n\n" + "\n\n".join(bodies) + "\n"
