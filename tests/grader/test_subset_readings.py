"""One reading of a module's scopes per source (grader/engine/subset/subset_readings.py), seen
from each set of outside callers: the readers share its bindings, never each other's answers."""

from __future__ import annotations

import ast

import pytest

from grader.engine.subset import subset_readings

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
