"""check() in a second: the first check of a kernel starts an engine the later ones reuse, still
grading the saved notebook with sandboxed workers."""

from __future__ import annotations

import time

import nbformat
import pytest
from helpers import REPO

from grader.apps import selfcheck
from grader.engine.worker.sandbox import sandbox_status

pytestmark = pytest.mark.e2e

WARM_SECONDS = 2.0  # the goal is 1 s (the bench prints it); doubled for a shared, loaded CI machine


@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "losses.ipynb"
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell((REPO / "solutions" / "losses.py").read_text())]
    nbformat.write(book, str(path))
    yield path
    selfcheck.stop_engine()


def test_later_checks_reuse_the_engine_and_answer_fast(notebook):
    first = selfcheck.grade_notebook(notebook, "softmax")
    engine = selfcheck._engine
    assert engine is not None and first["score"] == first["max_score"] > 0
    started = time.monotonic()
    again = selfcheck.grade_notebook(notebook, "kl_div")
    warm = time.monotonic() - started
    assert selfcheck._engine is engine  # the same process answered
    assert all("kl_div" in t["exercises"] for t in again["topics"][0]["tests"])
    assert all(t["visibility"] == "public" for t in again["topics"][0]["tests"])
    assert warm < WARM_SECONDS, f"a warm check() took {warm:.2f} s"
    if sandbox_status()[0]:
        assert again["sandbox"] == sandbox_status()[1]  # still graded in the sandbox


def test_the_set_up_cell_starts_the_engine_so_the_first_check_is_fast(notebook):
    selfcheck.use_notebook(notebook)  # what the hand-out's set-up cell runs
    assert selfcheck._engine is not None and selfcheck.engine_ready(300)
    started = time.monotonic()
    first = selfcheck.grade_notebook(notebook, "softmax")
    seconds = time.monotonic() - started
    assert first["score"] == first["max_score"] > 0
    assert seconds < WARM_SECONDS, f"the first check() after the set-up cell took {seconds:.2f} s"


def test_an_engine_that_died_is_started_again_and_problems_are_one_line(notebook):
    selfcheck.grade_notebook(notebook, "mse")
    assert selfcheck._engine is not None
    selfcheck._engine.kill()
    selfcheck._engine.wait()
    assert selfcheck.grade_notebook(notebook, "mse")["score"] > 0
    with pytest.raises(selfcheck.SelfCheckProblem, match="did you mean 'softmax'"):
        selfcheck.grade_notebook(notebook, "softmx")


def test_the_table_speaks_of_checks_of_the_exercise_with_status_colours():
    tests = [
        {
            "id": "softmax_family_any_dim[shape4--2-softmax]",
            "kind": "shape",
            "status": "failed",
            "message": "m",
            **{"points": 0, "max_points": 1, "exercises": ["softmax"]},
        },
        {
            "id": "softmax_grad[x]",
            "kind": "gradient",
            "status": "passed",
            "message": "",
            **{"points": 1, "max_points": 1, "exercises": ["softmax"]},
        },
    ]
    result = selfcheck.CheckResult("softmax", tests)
    text, table = str(result), result._repr_html_()
    assert "value check 1" in text and "gradient check 1" in text
    # the gradient check pays only once the values are right: 0/2, then the diagnosis
    assert text.startswith("softmax: 0/2 points of its public checks\n  m\n")
    assert "softmax_family" not in text + table and "[" not in text
    assert "color:red'><b>failed</b>" in table and "color:green'><b>passed</b>" in table
