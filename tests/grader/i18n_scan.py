"""The AST scan behind the catalogue's completeness: a learner-facing literal that does not go through the catalogue.

A literal is learner-facing where it reaches output: an argument of ``click.echo``, ``print``,
``fail`` and the check failures, an ``append``/``extend`` of lines or notes, a ``return`` or a
``yield``, an ``UsageProblem`` raised (its text is printed), or an element of a list that is
returned or echoed. It counts when it holds two English words outside ``_()``, ``N_()`` and ``ngettext()``; code in
backticks, HTML tags, f-string fields, options (``--run``) and dotted or snake_case names are not words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

WORD = re.compile(r"(?<![-._\w])[A-Za-z]{2,}")  # a word, not an option (--run) or a name's part
OUTPUT_CALLS = {
    "echo", "secho", "print", "write", "fail", "append", "extend", "CheckFailed", "TwinUsed",
    "UsageProblem", "Unusable", "_usage_exit", "progress_line", "SubmissionError", "ProbeTimeout",
    "NotStarted", "EngineProblem", "show", "step",
}  # fmt: skip
WRAPPERS = {"_", "N_", "ngettext"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _texts(node: ast.AST) -> list[ast.AST]:
    """The literal parts of an output expression, not looking inside the catalogue's wrappers."""
    if isinstance(node, ast.Call):  # a wrapper's text is the catalogue's; another call's is its own
        return []
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) else []
    if isinstance(node, ast.JoinedStr):  # its text around the fields: f"graded {n} files"
        text = "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
        return [ast.Constant(value=text, lineno=node.lineno)]
    children: list[ast.AST] = []
    if isinstance(node, ast.BinOp):
        children = [node.left, node.right]
    elif isinstance(node, ast.IfExp):
        children = [node.body, node.orelse]
    elif isinstance(node, (ast.List, ast.Tuple)):
        children = list(node.elts)
    elif isinstance(node, ast.Starred):
        children = [node.value]
    return [t for child in children for t in _texts(child)]


def _worded(node: ast.AST) -> bool:
    text = re.sub(r"`[^`]*`|<[^<>]*>", "", str(getattr(node, "value", "")))  # code, HTML tags
    return len(WORD.findall(text)) >= 2


def unwrapped(path: Path) -> list[str]:
    """``path:line: text`` of each learner-facing literal outside the catalogue."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        outputs: list[ast.AST] = []
        if isinstance(node, ast.Call) and _name(node.func) in OUTPUT_CALLS:
            outputs = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
            outputs = [node.value]
        for output in outputs:
            found += [f"{path}:{t.lineno}: {t.value!r}" for t in _texts(output) if _worded(t)]  # type: ignore[attr-defined]
    return found
