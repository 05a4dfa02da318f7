"""The contract grid (grader/checks/cases/grid.py): every axis of every exercise walked or not open
with a reason, in each pack of tests/packs/; the built-in pack's grid in docs/checks.md current,
its holes never more; an exercise that gains an argument no axis walks shows a hole."""

from __future__ import annotations

import grid_docs
import pytest
import torch
from helpers import REPO, with_pack

from grader.authoring import validate
from grader.base import packs
from grader.checks.cases import grid
from grader.checks.domains import Case, Domain

pytestmark = pytest.mark.unit

# The built-in pack's holes (docs/checks.md lists them): none, and never one again
BUILT_IN_HOLES = 0


@pytest.mark.parametrize("pack", ["attention", "norms", "pairs"])
def test_each_course_pack_has_no_hole(pack, monkeypatch):
    """Every exercise of the pack in the matrix, none with a hole (seen vacuous before: the pack
    named after import is not in the manifest, so its domains never loaded and the matrix was empty)."""
    with_pack(monkeypatch, pack)
    found = grid.matrix(pack)
    assert sorted(found) == sorted(packs.read_pack(REPO / "tests" / "packs" / pack)[1][0].exercises)
    assert grid.holes(found) == []


def test_the_docs_show_the_built_in_grid_as_declared():
    assert grid_docs.current() == grid_docs.generated(), "run python tests/grader/grid_docs.py"


def test_the_built_in_holes_only_shrink():
    assert grid_docs.generated().count("✗") <= BUILT_IN_HOLES


def _row(**options: object) -> dict[str, str]:
    x = torch.zeros(2, 3)
    return grid.row(Domain("t", "f", frozenset({"edge"}), lambda: [Case("edge", "f", (x, x))], **options))


def test_an_argument_written_and_never_walked_is_a_hole():
    """A new argument the function writes: its prior contents neither walked nor exempted."""
    assert _row()["prior"] == "writes no argument"
    assert _row(writes=(1,))["prior"] == ""
    assert _row(writes=(1,), exempt={"prior": "accumulates into it"})["prior"] == "accumulates into it"


def test_a_floating_input_opens_the_value_axes():
    cells = _row()
    assert cells["shape"] == grid.WALKED
    assert cells["dtype"] == cells["magnitude"] == cells["gradient"] == ""


def test_validate_fails_on_an_unexplained_hole():
    """A pack whose exercise leaves an axis neither walked nor exempted fails `grade author validate`."""
    row = {axis: grid.WALKED for axis in [*grid.AXES, *grid.BUILT_IN]} | {"dtype": ""}
    holed = validate.Validation("t", reference=(1.0, 1.0), stub=(0.0, 1.0), grid={"f": row})
    assert holed.failures() == ["axes neither walked nor exempted: f: dtype"]
    assert validate.report(holed).splitlines()[-1] == "t: FAILED (axes neither walked nor exempted: f: dtype)"
    explained = holed.grid["f"] | {"dtype": "no floating input"}
    assert validate.Validation("t", (1.0, 1.0), (0.0, 1.0), grid={"f": explained}).failures() == []
