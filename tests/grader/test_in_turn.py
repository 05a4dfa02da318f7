"""A task runs its public checks before its hidden ones, and each exercise's checks together in the
topic's order of its exercises (`collected.in_turn`): the worker then holds one exercise's refused
kernels from probe to probe (docs/engine.md); a run of some checks (-k) runs them in the whole run's
order; the results keep the suite's order."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grader.engine.suites import collected, plugin

pytestmark = pytest.mark.unit


def test_each_exercises_checks_come_together_public_first(monkeypatch: pytest.MonkeyPatch) -> None:
    suite = [  # (name, public, exercises) in the suite's order
        ("a_shape", True, ("mse",)),
        ("b_shape", True, ("l1",)),
        ("shared", True, ("l1", "mse")),
        ("a_hidden", False, ("mse",)),
        ("a_grad", True, ("mse",)),
        ("b_hidden", False, ("l1",)),
        ("b_grad", True, ("l1",)),
        ("c_hidden", False, ("mse",)),
    ]
    items = [SimpleNamespace(name=n, public=p, exercises=e) for n, p, e in suite]
    monkeypatch.setattr(plugin, "check_of", lambda item: {"public": item.public})
    monkeypatch.setattr(plugin, "exercises_of", lambda item: item.exercises)
    order = ("mse", "l1")
    assert [item.name for item in collected.in_turn(items, order)] == [  # type: ignore[arg-type]
        "a_shape",
        "a_grad",
        "b_shape",
        "shared",
        "b_grad",
        "a_hidden",
        "c_hidden",
        "b_hidden",
    ]


def test_a_run_of_some_checks_runs_them_in_the_whole_runs_order(monkeypatch: pytest.MonkeyPatch) -> None:
    suite = [("b", True, ("l1",)), ("a", True, ("mse",)), ("c", True, ("l1",)), ("d", True, ("mse",))]
    items = [SimpleNamespace(name=n, public=p, exercises=e) for n, p, e in suite]
    monkeypatch.setattr(plugin, "check_of", lambda item: {"public": item.public})
    monkeypatch.setattr(plugin, "exercises_of", lambda item: item.exercises)
    whole = [item.name for item in collected.in_turn(items, ("mse", "l1"))]  # type: ignore[arg-type]
    some = [item.name for item in collected.in_turn([items[0], items[3]], ("mse", "l1"))]  # type: ignore[arg-type]
    assert whole == ["a", "d", "b", "c"]
    assert some == [name for name in whole if name in ("b", "d")]
