"""Hints keyed to what a call's answer is beside the expected one, measured from the call itself
(a known wrong variant on the same input, :func:`known`): each holds only where the answer is
that (relations.py: Keyed, Shaped); where none holds the lead names no cause. What each maker
covers: docs/architecture.md's room of grader/checks/hints/."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from grader.base.i18n import N_
from grader.checks.hints.relations import Keyed, Shaped, When, equals

NOT_WRITTEN_BACK = N_(
    "the caller's tensor holds what it held before the call: the new value never reached it (a name "
    "rebound to a new tensor changes nothing outside); write it in place, e.g. running_mean.mul_(1 − "
    "momentum).add_(momentum · batch mean) under torch.no_grad()"
)


def unchanged(before: torch.Tensor) -> Keyed:
    """Where a state the call must update holds what it held before the call."""
    return Keyed(NOT_WRITTEN_BACK, equals(before))


def known(text: str, mistaken: torch.Tensor, expected: torch.Tensor) -> tuple[Keyed | Shaped, ...]:
    """The hint ``text`` where the answer is ``mistaken``, what a known wrong variant of the
    exercise returns on the same input: its values where it has the asked shape, else its shape;
    none where the variant answers as asked on this input (a factor of 1, a stride equal to the
    kernel; the asked values with size-1 dimensions dropped or added, which any reduction over them
    gives: mse's reduction='mean' on shape (1,) and a mean over its last dim). Its values key it
    where the answer is theirs and far nearer them than the expected ones (a one-sided difference
    is O(ε) off: a check tighter than that sees it)."""
    wrong, right = mistaken.detach().double(), expected.detach().double()
    if tuple(mistaken.shape) != tuple(expected.shape):
        if torch.equal(wrong.squeeze(), right.squeeze()):
            return ()  # only size-1 dims apart: the shape's message names that, no cause more
        wanted = tuple(mistaken.shape)
        return (Shaped(text, lambda shape: shape == wanted),)
    if bool(((wrong - right).abs() <= 1e-12 * right.abs()).all()):
        return ()
    same, near = equals(mistaken), nearer(mistaken)  # near: a variant a few ulps off is no cause
    return (
        Keyed(text, lambda got, want: same(got, want) and near(got, want), alternative=True, values=True),
    )


INDEX_FROM_ONE = N_(
    "this is the answer with every index one lower (row or column k − 1 for k): torch counts indices "
    "from 0, the first row is row 0, where MATLAB, R, Julia and Lua count from 1; use the index as it is"
)


ARGUMENT_IGNORED = N_(
    "this is what {0} gives: the value the call passes, {1}, is not the one applied; read the "
    "argument and use its value"
)


def argument_ignored(
    reference: Callable[..., torch.Tensor],
    args: tuple[object, ...],
    kwargs: dict[str, object],
    name: str,
    values: tuple[object, ...],
) -> tuple[Keyed | Shaped, ...]:
    """Where the answer is ``reference``'s with the keyword ``name`` at another of its ``values``
    (its default, often): the value passed is not the one applied (ignored, or a branch that
    takes another). Other values giving one wrong shape are named together (``reduction='mean'``
    or ``'sum'`` both give a 0-dim answer)."""
    asked = reference(*args, **kwargs)
    others = {
        value: reference(*args, **{**kwargs, name: value}) for value in values if value != kwargs.get(name)
    }
    found: list[Keyed | Shaped] = []
    for value, answer in others.items():
        alike = [v for v, a in others.items() if a.shape == answer.shape != asked.shape] or [value]
        said = " / ".join(f"{name}={v!r}" for v in alike)
        found += known(ARGUMENT_IGNORED.format(said, f"{name}={kwargs.get(name)!r}"), answer, asked)
    return tuple(found)


def nearer(mistaken: torch.Tensor) -> When:
    """The values lie far nearer ``mistaken`` than the expected ones, or equal it to rounding value
    by value (a predicate for :class:`Keyed`): a variant whose error is rounding (a cancellation)
    repeats it only roughly where the learner's sums run in another order."""

    def when(got: torch.Tensor, expected: torch.Tensor) -> bool:
        wrong = mistaken.detach().double().to(got.device)
        if wrong.shape != got.shape:
            return False
        odd = ~wrong.isfinite()  # the variant's infinities: the answer's, where they are (NaN never)
        if not bool((got[odd] == wrong[odd]).all()):
            return False
        both = ~odd & expected.isfinite() & got.isfinite()
        apart = float((expected - wrong)[both].abs().max()) if both.any() else 0.0
        if not bool((expected[odd] == wrong[odd]).all()):
            apart = math.inf  # an infinity where a number was expected: far apart
        off = float((got - wrong)[both].abs().max()) if both.any() else 0.0
        # or equal to it to rounding, value by value: a tail's tiny values, far below the others'
        # rounding, are told apart by their own size
        same = bool(torch.allclose(got[both], wrong[both], rtol=1e-9, atol=0.0))
        return apart > 0 and (off <= 0.25 * apart or same) and _where_it_departs(got, expected, wrong, both)

    return when


# A domain's known mistake: its hint and what it computes from a case's (args, kwargs), None
# where it does not apply
Variant = tuple[str, Callable[..., object]]


def _where_it_departs(
    got: torch.Tensor, expected: torch.Tensor, wrong: torch.Tensor, both: torch.Tensor
) -> bool:
    """Where the answer departs most, relative to size, the variant lies nearer it than the expected
    values, or equals it (σ clamped at 80 is no cause of 1/(1 + exp(−x)), whose tail is 0)."""
    size = torch.maximum(got.abs(), expected.abs())
    gap = ((got - expected).abs() / size).where(both & (size > 0), torch.zeros_like(got))
    worst = float(gap.max()) if gap.numel() else 0.0
    near = ((got - wrong).abs() <= 0.25 * (expected - wrong).abs()) | (got == wrong)
    return worst == 0.0 or bool(near[gap >= 0.01 * worst].all())


def of_case(
    variants: tuple[Variant, ...], args: tuple[object, ...], kwargs: dict[str, object]
) -> tuple[Keyed, ...]:
    """The keyed hints of a domain's ``variants`` on one call's arguments (the trusted side's
    copies: a variant never sees the learner's tensors)."""
    found = []
    for text, compute in variants:
        copies = tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in args)
        mistaken = compute(*copies, **kwargs)
        if isinstance(mistaken, torch.Tensor):
            found.append(Keyed(text, nearer(mistaken), alternative=True))
    return tuple(found)
