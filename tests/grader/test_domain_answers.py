"""The battery judges against stored answers (tests/suites/answers_<topic>.pt): they must be what
the references compute here, case for case, and the references (closed forms: answers) must
reach neither the grader's imports nor a release."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from helpers import REPO

sys.path.insert(0, str(Path(__file__).parent))
import record_domain_answers  # noqa: E402

from grader.checks import battery  # noqa: E402
from grader.checks.cases import domain_cases  # noqa: E402

domain_cases.load_all()  # every topic's declarations (tests/suites/domains_<topic>.py)


# The two sweeps of every domain through the references are the engine tier's (seconds of CPU:
# tests/grader/tiers.py); the staleness rules are unit tests.
@pytest.mark.engine
def test_the_stored_answers_are_what_the_references_compute_here():
    stored = record_domain_answers.stored_all()
    found = record_domain_answers.computed()
    assert sorted(stored) == sorted(found), "run: python tests/grader/record_domain_answers.py"
    stale = record_domain_answers.differences(found, stored)
    assert not stale, f"stale answers at {stale[:5]}: run python tests/grader/record_domain_answers.py"


# What another CPU's kernels may change in an answer (an AMD EPYC's GoogLeNetMini outputs differ
# from this machine's by up to 2.4e-6): 1e-5 relative, or less where grading itself tolerates less
# (float64 tails: rtol 1e-7; a random fill's bound: BOUND_RTOL), as grading judges each case.
ROUNDING = 1e-5


def cases_of(key: str) -> list[Any]:
    topic, name = key.split("|")[0].split(".", 1)
    domain = domain_cases.REGISTRY[(topic, name)]
    return [(domain, case) for case in domain.cases()]


def nudged(value: Any, r: float) -> Any:
    """``value`` with every float scaled by (1 + r), each at its nearest float not farther than r
    relative (the rounding of the product could reach past it)."""
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        exact = value.double()
        moved = (exact * (1 + r)).to(value.dtype)
        beyond = (moved.double() - exact).abs() > r * exact.abs()
        return torch.where(beyond, torch.nextafter(moved, value), moved)
    if isinstance(value, float):
        moved = value * (1 + r)
        return math.nextafter(moved, value) if abs(moved - value) > r * abs(value) else moved
    if isinstance(value, dict):
        return {k: nudged(v, r) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(nudged(v, r) for v in value)
    return value


def rounded_elsewhere(stored: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every stored answer perturbed as far as another CPU may: ROUNDING relative, at most what
    grading tolerates on its case (just under its rtol: a nudge of exactly the rtol rounds past it
    on some values, as a σ gradient of 3.3e-136 in the float64 tail does)."""
    return {
        key: [
            nudged(answer, min(ROUNDING, 0.99 * battery.tolerance(domain, case)[0]))
            for (domain, case), answer in zip(cases_of(key), answers)
        ]
        for key, answers in stored.items()
    }


@pytest.mark.engine
def test_answers_rounded_as_another_cpu_may_round_them_are_current():
    stored = record_domain_answers.stored_all()
    elsewhere = rounded_elsewhere(stored)
    assert record_domain_answers.differences(stored, elsewhere) == []  # recorded elsewhere, computed here
    assert record_domain_answers.differences(elsewhere, stored) == []  # recorded here, computed elsewhere


def first_float(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path to the first float in ``value`` that is not 0 (a tensor's, or a Python float)."""
    if isinstance(value, torch.Tensor):
        return path if value.is_floating_point() and bool(value.ne(0).any()) else None
    if isinstance(value, float):
        return path if value != 0 else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, (list, tuple))
        else []
    )
    return next((found for k, v in items if (found := first_float(v, (*path, k))) is not None), None)


def changed(value: Any, path: tuple[Any, ...], how: Any) -> Any:
    """``value`` with ``how`` applied to what ``path`` names."""
    if not path:
        return how(value)
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: changed(value[head], rest, how)}
    return type(value)(changed(v, rest, how) if i == head else v for i, v in enumerate(value))


def plus_one_percent(value: Any) -> Any:
    """One value moved by 1e-2 (relative where it is large): a changed reference or case."""
    if isinstance(value, float):
        return value + 1e-2 * max(1.0, abs(value))
    flat = value.detach().clone().reshape(-1)
    i = int(flat.ne(0).nonzero()[0, 0])
    flat[i] += 1e-2 * max(1.0, abs(float(flat[i])))
    return flat.reshape(value.shape)


def flipped(value: Any) -> Any:
    return -value


@pytest.mark.unit
@pytest.mark.parametrize("how", [plus_one_percent, flipped], ids=["plus 1e-2", "sign flipped"])
def test_an_answer_changed_as_code_would_change_it_is_stale(how):
    stored = record_domain_answers.stored_all()
    seen = 0
    for key, answers in stored.items():
        path = first_float(answers)
        if path is None:
            continue
        edited = changed(answers, path, how)
        assert record_domain_answers.differences({key: edited}, {key: answers}), (key, path)
        seen += 1
    assert seen >= 75  # every exercise with a float answer, each judged with its own tolerance


@pytest.mark.unit
def test_an_answer_past_the_domains_end_is_stale_only_where_its_finiteness_changes():
    """A case past the domain's end (battery.ENDS: near a dtype's top) is judged on being finite
    alone, and so is its stored answer: a convolution there cancels ±2^124 terms, its bias
    surviving or not by the summation's order (seen failing: CI's CPU answered 0 where this one
    stored 4.6e18, stale by value)."""
    stored = record_domain_answers.stored_all()
    seen = 0
    for key, answers in stored.items():
        for i, (_domain, case) in enumerate(cases_of(key)):
            out = answers[i].get("out") if isinstance(answers[i], dict) else None
            if (
                case.dim not in battery.ENDS
                or not isinstance(out, torch.Tensor)
                or not out.is_floating_point()
            ):
                continue
            if not battery.in_domain(answers[i]):  # the reference overflowed: no answer to keep
                continue
            for value, stale in ((torch.zeros_like(out), False), (torch.full_like(out, math.inf), True)):
                edited = [dict(a, out=value) if j == i else a for j, a in enumerate(answers)]
                assert bool(record_domain_answers.differences({key: edited}, {key: answers})) is stale, (
                    key,
                    i,
                )
            seen += 1
    assert seen >= 20


@pytest.mark.engine  # a sweep over the repository (tests/grader/tiers.py)
def test_no_grader_module_imports_the_references():
    imports = re.compile(r"^\s*(from|import)\s[^#\n]*\breferences\b", re.MULTILINE)
    for path in (REPO / "grader").rglob("*.py"):
        assert not imports.search(path.read_text()), path


@pytest.mark.unit
@pytest.mark.parametrize("topic", ["losses", "tensors", "autograd"])
def test_a_releases_copy_teaches_and_does_not_pay(topic):
    """A release's copy of the answers (grader/checks/taught_answers.py): every float answer is off
    by more than its case's tolerance, so a table of them fails the official battery; the exact
    answer is within the release's wider tolerance, so code the official grader passes passes
    there. What is not a float (integers, None) is the same. Before: the release shipped the exact
    answers, and a table of them beside naive code earned 91.5 against the code's 85.5."""
    import io

    from grader.base.topics import of
    from grader.checks import taught_answers
    from grader.checks.cases import domain_answers

    store = of(topic).answers
    exact = torch.load(store, weights_only=True)
    taught = torch.load(io.BytesIO(taught_answers.copy(topic, store, torch.Generator().manual_seed(3))))
    assert taught.pop(domain_answers.MARK) == taught_answers.WIDER and taught.keys() == exact.keys()
    moved = 0
    for key, answers in exact.items():
        domain = domain_cases.REGISTRY[(topic, key.split(".", 1)[1].split("|", 1)[0])]
        for case, right, copied in zip(domain.cases(), answers, taught[key]):
            if case.bound or "out" not in right:
                continue
            rtol, atol = battery.tolerance(domain, case, stored=False)
            wide = (taught_answers.WIDER * rtol, taught_answers.WIDER * (atol + domain_answers.FLOOR))
            for part in set(taught_answers.JUDGED) & set(right):
                battery.compare(right[part], copied[part], case.note, *wide, "")  # the release passes it
                if not battery.agrees(copied[part], right[part], rtol, atol):
                    moved += 1
                    continue
                assert not _holds_float(right[part]), (key, case.note, part)  # only exact kinds agree
    assert moved > 10


@pytest.mark.unit
@pytest.mark.parametrize("topic", ["losses", "cnn", "resnet", "rnn"])
def test_a_releases_copy_moves_each_device_value_off_too(topic):
    """A default case's answer holds the reference's run on the second device (``device.value``):
    a release's copy moves it off as it moves ``out``, so no exact float leaves the checkout.
    Before: every ``device.value`` was shipped exact (8 in the built-in release)."""
    import io

    from grader.base.topics import of
    from grader.checks import taught_answers

    store = of(topic).answers
    exact = torch.load(store, weights_only=True)
    taught = torch.load(io.BytesIO(taught_answers.copy(topic, store, torch.Generator().manual_seed(5))))
    seen = 0
    for key, answers in exact.items():
        domain = domain_cases.REGISTRY[(topic, key.split(".", 1)[1].split("|", 1)[0])]
        for case, right, copied in zip(domain.cases(), answers, taught[key]):
            if case.bound or not isinstance(right, dict) or not _holds_float(right.get("device")):
                continue
            seen += 1
            rtol, atol = battery.tolerance(domain, case, stored=False)
            assert not battery.agrees(copied["device"]["value"], right["device"]["value"], rtol, atol), (
                key,
                case.note,
            )
            assert copied["device"]["devices"] == right["device"]["devices"]  # not a float: as it is
    assert seen > 0


def _holds_float(value: Any) -> bool:
    """Whether ``value`` holds a finite float (what a release's copy moves)."""
    if isinstance(value, (list, tuple)):
        return any(_holds_float(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_float(v) for v in value.values())
    if isinstance(value, torch.Tensor):
        return value.is_floating_point() and bool(value.isfinite().any())
    return isinstance(value, float) and math.isfinite(value)
