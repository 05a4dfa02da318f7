"""A mistake's signature read from the values alone: the relation a wrong answer bears to the
expected one (its sign flipped, a transpose, a shift by one place along some axes, its order
reversed along an axis, a constant factor), so that a class's wrong answers group by the mistake
they show (grader/batch/causes.py) and not by which check met them first. The input-domain
battery (grader/checks/battery.py) names it for the checks a pack derives from its declarations,
as the built-in pack's suites name their known mistakes (``mistake:NAME``)."""

from __future__ import annotations

import itertools
from typing import Any

import torch

from grader.checks.hints.relations import _close, _factor

# the relations a signature names, in the order they are tried (the first that holds)
KINDS = ("sign", "transpose", "shift", "reversed", "scale")
SHIFTS_UP_TO = 4  # dimensions tried for a shift (3 ** 4 - 1 offsets at most)


def _tensors(value: Any) -> list[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _shifted(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """``got`` is ``expected`` moved by one place along one or more axes (a padding on the wrong
    side, an index off by one): where they overlap, ``got`` holds the moved values, not its own."""
    dims = [d for d in range(min(got.dim(), SHIFTS_UP_TO)) if got.shape[d] >= 3]
    for offsets in itertools.product((-1, 0, 1), repeat=len(dims)):
        mine, moved, unmoved = got, expected, expected
        for d, step in zip(dims, offsets):
            if step:
                n = got.shape[d] - 1
                mine, unmoved = mine.narrow(d, max(step, 0), n), unmoved.narrow(d, max(step, 0), n)
                moved = moved.narrow(d, max(-step, 0), n)
        explained = int((~torch.isclose(mine, unmoved, rtol=1e-5, atol=1e-8)).sum())
        if any(offsets) and explained >= 2 and _close(mine, moved):  # one value off at a border: no shift
            return True
    return False


def relation(got: torch.Tensor, expected: torch.Tensor) -> str:
    """The kind of :data:`KINDS` ``got`` shows against ``expected`` (float64, the same shape, not
    close), "" for none: the relation a learner's mistake leaves in every case alike."""
    if got.shape != expected.shape or not expected.numel() or _close(got, expected):
        return ""
    if not (got.isfinite().all() and expected.isfinite().all()):
        return ""
    k = _factor(got, expected)
    if k is not None and abs(k + 1) < 1e-3:
        return "sign"
    if got.dim() >= 2 and got.shape[-1] == got.shape[-2] > 1 and not _close(expected, expected.mT):
        if _close(got, expected.mT):
            return "transpose"
    if _shifted(got, expected):
        return "shift"
    for d in range(got.dim()):
        flipped = expected.flip(d)
        if got.shape[d] > 1 and not _close(expected, flipped) and _close(got, flipped):
            return "reversed"
    return "scale" if k is not None and _shared(k, expected) else ""


def _shared(k: float, expected: torch.Tensor) -> bool:
    """A factor that says something: shared by two values or more; of a single value (a loss), a
    round one only (n or 1/n: a sum where a mean of n was asked; any two numbers have a ratio)."""
    if expected.numel() > 1:
        return int((expected.abs() > 1e-12 * float(expected.abs().max())).sum()) >= 2
    return any(2 <= round(v) <= 1000 and abs(v - round(v)) < 1e-3 * round(v) for v in (abs(k), 1 / abs(k)))


def signature(got: Any, want: Any) -> str:
    """The relation the first pair of tensors that differ shows (:func:`relation`), "" for none."""
    for a, e in zip(_tensors(got), _tensors(want)):
        if a.shape != e.shape or a.is_complex() or e.is_complex():
            continue
        a, e = a.detach().double(), e.detach().double()  # a mask's too: shifted, transposed
        if not _close(a, e):
            return relation(a, e)
    return ""
