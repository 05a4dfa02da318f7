"""One reading of a module's scopes per source (grader/engine/subset/readings.py), seen
from each set of outside callers: the readers share its bindings, never each other's answers."""

from __future__ import annotations

import ast

import pytest

from grader.engine.subset import readings as subset_readings

pytestmark = pytest.mark.unit

# ``exercise`` is called inside the module with torch.relu; called from outside, its ``f`` is anything
SOURCE = """
import torch


def exercise(f=torch.tanh):
    return f


def other():
    return exercise(torch.relu)
"""


def _f_in(scopes) -> set[str]:
    name = next(
        n
        for n in ast.walk(scopes.tree)
        if isinstance(n, ast.Name) and n.id == "f" and isinstance(n.ctx, ast.Load)
    )
    return {m.path if m.kind == "path" else m.kind for m in scopes.meanings(name)}


@pytest.mark.parametrize("outside_first", [True, False])
def test_each_view_answers_for_its_own_callers_whichever_asks_first(outside_first):
    source = SOURCE + f"\n# {outside_first}\n"  # a source of its own: nothing kept from another case
    views = [lambda: subset_readings.of(source, ["exercise"]), lambda: subset_readings.of(source)]
    seen = [view() for view in (views if outside_first else views[::-1])]
    outside, inside = seen if outside_first else seen[::-1]
    assert _f_in(inside) == {"torch.relu"}
    assert _f_in(outside) == {"unknown"}
    assert outside.scope_of is inside.scope_of and outside.binds is inside.binds  # one reading
    assert subset_readings.of(source, ["exercise"]) is outside and subset_readings.of(source) is inside
    assert subset_readings.of_tree(inside.tree) is inside


def test_a_source_read_again_is_read_once_and_each_caller_has_units_of_its_own(monkeypatch):
    """A warm engine's requests read one source again: its units are read once (the module's
    statements, what each binds and may change), and a charge adding to one call's binds leaves
    the next call's as read."""
    from grader.engine.sources import parsed
    from grader.engine.subset import units as subset_units

    source, reads = SOURCE + "\n# units\n", []
    real = subset_units._read
    monkeypatch.setattr(subset_units, "_read", lambda *args: reads.append(1) or real(*args))
    tree = parsed.tree(source)
    first = subset_units.units_of(source, tree)
    assert first is not None
    first[0].binds.add("poisoned")
    first.append(first[0])
    again = subset_units.units_of(source, tree)
    assert reads == [1]
    assert again is not None and len(again) == len(first) - 1 and "poisoned" not in again[0].binds
