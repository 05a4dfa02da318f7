"""Notebook hand-outs made from the stubs: ``grade notebooks OUT``.

One notebook per topic: the stub module's docstring as markdown, a cell with its
imports and constants, one code cell per exercise (docstring and stub), and a last
cell that runs the topic's public checks on the cells above from inside the notebook.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from grader.notebooks import METADATA_KEY

SELF_CHECK = """# Run the public checks on the code above (the hidden suite grades more).
from grader.selfcheck import check_cells
check_cells({topic!r}, In)"""


def handout(topic: str, stub: Path) -> nbformat.NotebookNode:
    source = stub.read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    notebook = nbformat.v4.new_notebook()
    notebook.metadata[METADATA_KEY] = {"topic": topic}
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = []
    docstring = ast.get_docstring(tree)
    if docstring:
        cells.append(nbformat.v4.new_markdown_cell(f"# {topic}\n\n```text\n{docstring}\n```"))
    preamble: list[str] = []
    exercises: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node is tree.body[0]:
            continue
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = "\n".join(lines[start - 1 : node.end_lineno])
        is_exercise = isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
        (exercises if is_exercise else preamble).append(text)
    cells.append(nbformat.v4.new_code_cell("\n".join(preamble)))
    cells += [nbformat.v4.new_code_cell(text) for text in exercises]
    cells.append(nbformat.v4.new_code_cell(SELF_CHECK.format(topic=topic)))
    notebook.cells = cells
    return notebook


def write_handouts(exercises: Path, out: Path, topics: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in topics:
        stub = exercises / f"{topic}.py"
        if stub.is_file():
            path = out / f"{topic}.ipynb"
            nbformat.write(handout(topic, stub), str(path))
            written.append(path)
    return written
