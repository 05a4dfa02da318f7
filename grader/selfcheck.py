"""The last cell of a hand-out notebook: grade the cells run so far, public checks only.

``check_cells(topic, In)`` takes IPython's input history, keeps the definitions (as
grading a notebook does), and runs ``grade --public-only`` on them in a fresh process,
so the checks never share the notebook's kernel.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from grader.notebooks import to_module


def check_cells(topic: str, cells: list[str]) -> int:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells if "check_cells(" not in c]
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / f"{topic}.py"
        module.write_text(to_module(notebook))
        done = subprocess.run(
            [sys.executable, "-m", "grader", str(module), "--topic", topic, "--public-only"],
            capture_output=True,
            text=True,
        )
    print(done.stdout or done.stderr)
    return done.returncode
