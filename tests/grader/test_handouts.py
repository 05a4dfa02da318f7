"""Hand-outs: executed top to bottom with nbclient, each exercise's check cell shows its result."""

from __future__ import annotations

import nbformat
import pytest
from helpers import REPO, run_grade
from test_notebooks import filled_with_solution

from grader.apps.handouts import latex_of, markdown_of

TOPIC = "inception"  # three exercises, each with public checks: the cheapest topic to execute


def executed(path):
    from nbclient import NotebookClient  # jupyter_client's import, ~0.2 s: the e2e tests' alone

    notebook = nbformat.read(str(path), as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return notebook


def check_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    return {
        cell.source.split('"')[1]: cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.startswith("check(")
    }


def shown(cell) -> tuple[str, str]:
    """(text, html) a check cell displayed; it must not leave an Out[n] value."""
    assert not [o for o in cell.outputs if o.output_type in ("execute_result", "error")], cell.outputs
    displays = [o for o in cell.outputs if o.output_type == "display_data"]
    assert len(displays) == 1, cell.outputs
    return displays[0].data["text/plain"], displays[0].data["text/html"]


@pytest.mark.e2e
def test_handout_executed_shows_a_table_per_exercise(tmp_path):
    assert run_grade("notebooks", str(tmp_path), "--topic", TOPIC).returncode == 0
    path = tmp_path / f"{TOPIC}.ipynb"
    exercises = ["InceptionA", "conv_mults", "GoogLeNetMini"]

    stubs = check_cells(executed(path))
    assert list(stubs) == exercises
    for name, cell in stubs.items():
        text, table = shown(cell)
        assert text.startswith(f"{name}: not started"), text
        assert "<table>" in table and "not started" in table

    solved = check_cells(executed(filled_with_solution(path, TOPIC)))
    for name, cell in solved.items():
        text, table = shown(cell)
        assert text.startswith(f"{name}: passed"), text
        assert "<table>" in table and "<b>passed</b>" in table and "failed" not in table


@pytest.mark.unit
def test_docstrings_become_markdown_with_display_math():
    source = (REPO / "exercises" / "losses.py").read_text()
    assert "    log Σ exp(xᵢ) = m + log Σ exp(xᵢ − m),   m = max xᵢ," in source
    markdown = markdown_of(
        "Stable.\n\n    log Σ exp(xᵢ) = m + log Σ exp(xᵢ − m),   m = max xᵢ,\n\n"
        "Args:\n    x: logits, ``float32``.\n        any shape.\nOff limits: ``F.softmax``."
    )
    assert markdown.splitlines() == [
        "Stable.",
        "",
        r"$$\log \sum \exp(x_i) = m + \log \sum \exp(x_i - m), \qquad m = \max x_i,$$",
        "",
        "",
        "**Args:**",
        "",
        "- `x`: logits, `float32`. any shape.",
        "",
        "**Off limits:** `F.softmax`.",
    ]
    assert (
        latex_of("a = √(6 / (fan_in + fan_out))") == r"a = \sqrt{6 / (\mathrm{fan\_in} + \mathrm{fan\_out})}"
    )


UNSTABLE_SOFTMAX = "def softmax(x, dim=-1):\n    return torch.exp(x) / torch.exp(x).sum(dim, keepdim=True)"


@pytest.mark.e2e
def test_check_softmax_fails_the_unstable_softmax(tmp_path):
    """Stability at extreme logits is a stated property, so a public check holds it: the
    hand-out's check("softmax") must not say "passed" for the softmax without the max shift."""
    assert run_grade("notebooks", str(tmp_path), "--topic", "losses").returncode == 0
    path = tmp_path / "losses.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("def softmax("):
            cell.source = UNSTABLE_SOFTMAX
    # only softmax's check cell runs: the others would grade stubs, at a cost and to no purpose
    notebook.cells = [
        c
        for c in notebook.cells
        if not (c.cell_type == "code" and c.source.startswith("check(") and '"softmax"' not in c.source)
    ]
    nbformat.write(notebook, str(path))
    text, table = shown(check_cells(executed(path))["softmax"])
    assert text.startswith("softmax: ") and "passed," not in text.splitlines()[0], text
    # the table names checks by kind ("value check 7"), not by pytest id; the failing row teaches
    assert "<b>failed</b>" in table and "subtract the maximum" in table, table
