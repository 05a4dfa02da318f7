"""Notebook submissions: definitions are graded, demo code never runs."""

from __future__ import annotations

import nbformat

from grader.notebooks import definitions
from helpers import REPO, grade_json, run_grade

DEMO_CELLS = [
    "%matplotlib inline\n!pip install something",
    "import time\ntime.sleep(600)",
    "for step in range(10**9):\n    pass",
    "print(softmax(torch.randn(3)))\nimport matplotlib.pyplot as plt\nplt.show()",
]


def notebook_with(path, code_cells: list[str], metadata: dict | None = None):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# My losses")] + \
        [nbformat.v4.new_code_cell(c) for c in code_cells]
    notebook.metadata.update(metadata or {})
    nbformat.write(notebook, str(path))
    return path


def test_only_definitions_survive():
    future, kept = definitions("from __future__ import annotations\n%time x = 1\nimport torch\nN = 3\n"
                               "w = torch.zeros(N)\n@staticmethod\ndef f():\n    return N\nf()\n"
                               "class A:\n    pass\n!ls")
    assert future == ["from __future__ import annotations"]
    assert kept.splitlines() == ["try:", "    import torch", "except ImportError:", "    pass", "",
                                 "N = 3", "", "@staticmethod", "def f():", "    return N", "",
                                 "class A:", "    pass"]


def test_solution_notebook_with_magics_and_slow_demos_grades_full(tmp_path):
    solution = (REPO / "solutions" / "losses.py").read_text()
    head, *functions = solution.split("\n\ndef ")
    cells = [head, *("def " + f for f in functions[:4]), *DEMO_CELLS, *("def " + f for f in functions[4:])]
    path = notebook_with(tmp_path / "week3_losses.ipynb", cells)
    code, report = grade_json(str(path), timeout=120)
    assert code == 0 and report["score"] == report["max_score"] > 0
    assert any("from the file name" in note for note in report["notes"])


def test_topic_from_metadata_and_flag(tmp_path):
    path = notebook_with(tmp_path / "homework.ipynb", ["def mse(a, b, reduction='mean'):\n    raise NotImplementedError"],
                         {"torchgrade": {"topic": "losses"}})
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
