"""A notebook graded as its file would be: the helper modules beside it, and the notes a learner
reads true for the state its cells are in (emptied, renamed, a byte order mark)."""

from __future__ import annotations

import pytest
from helpers import grade_json
from test_notebooks import notebook_with

HELPER = "import torch\n\n\ndef stable_exp(x, dim=-1):\n    return (x - x.amax(dim=dim, keepdim=True).detach()).exp()\n"
SOFTMAX = (
    "from mathutil import stable_exp\n\n\n"
    "def softmax(x, dim=-1):\n    e = stable_exp(x, dim)\n    return e / e.sum(dim=dim, keepdim=True)\n"
)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", [".py", ".ipynb"])
def test_a_helper_beside_a_notebook_is_graded_as_beside_a_file(tmp_path, kind):
    """Seen failing on main: the notebook 0/16 ("import mathutil is not allowed in graded code"),
    the .py file beside the same helper full."""
    (tmp_path / "mathutil.py").write_text(HELPER)
    path = tmp_path / f"losses{kind}"
    if kind == ".py":
        path.write_text(SOFTMAX)
    else:
        notebook_with(path, [SOFTMAX])
    code, report = grade_json(str(path), "--exercise", "softmax")
    assert code == 0 and report["score"] == report["max_score"] > 0, report["topics"][0]["tests"][:1]
    assert "not allowed" not in str(report)


@pytest.mark.unit
def test_a_notebooks_helpers_are_part_of_its_sources(tmp_path):
    from grader.engine import subset

    (tmp_path / "mathutil.py").write_text(HELPER)
    (tmp_path / "unused.py").write_text("x = 1\n")
    path = notebook_with(tmp_path / "losses.ipynb", [SOFTMAX])
    assert sorted(subset.sources_of(path, "losses", True)) == ["losses.py", "mathutil.py"]
