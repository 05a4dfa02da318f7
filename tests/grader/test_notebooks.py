"""Notebook submissions: definitions are graded, demo code never runs."""

from __future__ import annotations

import nbformat
from helpers import REPO, grade_json, run_grade

from grader.notebooks import definitions

DEMO_CELLS = [
    "%matplotlib inline\n!pip install something",
    "import time\ntime.sleep(600)",
    "for step in range(10**9):\n    pass",
    "print(softmax(torch.randn(3)))\nimport matplotlib.pyplot as plt\nplt.show()",
]


def notebook_with(path, code_cells: list[str], metadata: dict | None = None):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# My losses")] + [
        nbformat.v4.new_code_cell(c) for c in code_cells
    ]
    notebook.metadata.update(metadata or {})
    nbformat.write(notebook, str(path))
    return path


def test_only_definitions_survive():
    future, kept = definitions(
        "from __future__ import annotations\n%time x = 1\nimport torch\nN = 3\n"
        "w = torch.zeros(N)\n@staticmethod\ndef f():\n    return N\nf()\n"
        "class A:\n    pass\n!ls"
    )
    assert future == ["from __future__ import annotations"]
    assert kept.splitlines() == [
        "try:",
        "    import torch",
        "except ImportError:",
        "    pass",
        "",
        "N = 3",
        "",
        "@staticmethod",
        "def f():",
        "    return N",
        "",
        "class A:",
        "    pass",
    ]


def test_solution_notebook_with_magics_and_slow_demos_grades_full(tmp_path):
    solution = (REPO / "solutions" / "losses.py").read_text()
    head, *functions = solution.split("\n\ndef ")
    cells = [head, *("def " + f for f in functions[:4]), *DEMO_CELLS, *("def " + f for f in functions[4:])]
    path = notebook_with(tmp_path / "week3_losses.ipynb", cells)
    code, report = grade_json(str(path), timeout=120)
    assert code == 0 and report["score"] == report["max_score"] > 0
    assert any("from the file name" in note for note in report["notes"])


def test_topic_from_metadata_and_flag(tmp_path):
    path = notebook_with(
        tmp_path / "homework.ipynb",
        ["def mse(a, b, reduction='mean'):\n    raise NotImplementedError"],
        {"torchgrade": {"topic": "losses"}},
    )
    code, report = grade_json(str(path))
    assert report["topics"][0]["name"] == "losses" and any("metadata" in n for n in report["notes"])
    bare = notebook_with(tmp_path / "homework2.ipynb", ["x = 1"])
    assert "cannot tell which topic" in run_grade(str(bare)).stderr
    code, report = grade_json(str(bare), "--topic", "losses")
    assert any("--topic" in n for n in report["notes"])


def test_corrupt_notebook_is_a_clear_error(tmp_path):
    (tmp_path / "losses.ipynb").write_text('{"cells": [ this is not json')
    done = run_grade(str(tmp_path / "losses.ipynb"))
    assert done.returncode == 2 and "not a valid notebook" in done.stderr


def filled_with_solution(handout_path, topic: str):
    """The hand-out with each exercise cell replaced by the solution's code for that name,
    and the solution's private helpers in one extra cell after the imports."""
    import ast

    source = (REPO / "solutions" / f"{topic}.py").read_text()
    tree, lines = ast.parse(source), source.splitlines()
    pieces = {}
    helpers = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign)):
            text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            name = node.name if not isinstance(node, ast.Assign) else node.targets[0].id
            if name.startswith("_") or name.isupper():
                helpers.append(text)
            else:
                pieces[name] = text
    notebook = nbformat.read(str(handout_path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith(("def ", "class ")):
            name = cell.source.split()[1].split("(")[0].rstrip(":")
            cell.source = pieces[name]
    notebook.cells.insert(2, nbformat.v4.new_code_cell("\n\n".join(helpers)))
    nbformat.write(notebook, str(handout_path))
    return handout_path


def test_handout_filled_with_the_solution_grades_full(tmp_path):
    done = run_grade("notebooks", str(tmp_path), "--topic", "losses")
    assert done.returncode == 0, done.stderr
    handout = tmp_path / "losses.ipynb"
    untouched_code, untouched = grade_json(str(handout))
    assert untouched_code == 1 and untouched["score"] == 0
    code, report = grade_json(str(filled_with_solution(handout, "losses")))
    assert code == 0 and report["score"] == report["max_score"] > 0


def test_self_check_cell_runs_the_public_checks(capsys):
    from grader.selfcheck import check_cells

    cells = [(REPO / "solutions" / "losses.py").read_text(), "print('demo')", "check_cells('losses', In)"]
    assert check_cells("losses", cells) == 0
    shown = capsys.readouterr().out
    assert "100 %" in shown and "public checks only" in shown
