"""Hints keyed to what a call's answer is beside the expected one, measured from the call itself
(a known wrong variant on the same input, :func:`known`): each holds only where the answer is
that (relations.py: Keyed, Shaped); where none holds the lead names no cause. What each maker
covers: docs/architecture.md's room of grader/checks/hints/."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from grader.base.i18n import N_
from grader.checks.hints.conv_steps import ONE_AXIS
from grader.checks.hints.relations import Keyed, Shaped, When, equals, merges

OTHER_DIM = N_(
    "these are the values along the other dimension: each column (dim 0) reduced where each row's "
    "own (dim 1) is asked; reduce with dim=1, keepdim=True broadcasting the result back"
)
ANOTHER_DIM = N_(
    "these are the values along another dimension than `dim`: reduce along the dim the call gives "
    "(dim=dim, keepdim=True), not a fixed one"
)
NOT_WRITTEN_BACK = N_(
    "the caller's tensor holds what it held before the call: the new value never reached it (a name "
    "rebound to a new tensor changes nothing outside); write it in place, e.g. running_mean.mul_(1 − "
    "momentum).add_(momentum · batch mean) under torch.no_grad()"
)
BROADCAST_TABLE = N_(
    "an (n, 1) tensor met an (n,) one (predictions and labels, one of each shape) and broadcast "
    "into an (n, n) table whose matches were counted: compare pred.reshape(-1) with y.reshape(-1)"
)
STRIDE_UNUSED = N_(
    "this is the shape stride=1 gives: the stride is never applied; step the window by it (F.unfold's "
    "stride=, and H_out = ⌊(H + 2·padding − kh)/stride⌋ + 1)"
)
PADDING_UNUSED = N_(
    "this is the shape padding=0 gives: the padding is never applied; pad both sides by it "
    "(F.unfold's padding=, F.pad) before the window slides"
)
BATCH_SQUEEZED = N_(
    "the batch axis N of size 1 is gone: squeeze() drops every axis of size 1, N too when N is 1; "
    "keep it with x.reshape(x.shape[0], -1)"
)
PADDING_ONCE = N_(
    "the padding is counted once: n + padding − k; it pads both sides, so n + 2·padding − k, then "
    "⌊· / stride⌋ + 1"
)
STRIDE_ONCE = N_("the stride is never applied: divide n + 2·padding − k by the stride (//) before adding 1")
ONE_FIRST = N_(
    "the 1 is added before the division by the stride: ⌊(n + 2·padding − k)/stride⌋ + 1 adds it after"
)
ONE_LEFT_OUT = N_(
    "the + 1 is left out: ⌊(n + 2·padding − k)/stride⌋ counts the steps between windows; the first "
    "window counts too, so add 1"
)
ROUNDED = N_(
    "the division by the stride is rounded up or to the nearest integer: ⌊(n + 2·padding − k)/stride⌋ "
    "rounds it down (// on ints), a window that would run past the edge is dropped"
)


def unchanged(before: torch.Tensor) -> Keyed:
    """Where a state the call must update holds what it held before the call."""
    return Keyed(NOT_WRITTEN_BACK, equals(before))


def said_if(got: object, candidates: list[float], text: str, plain: str) -> str:
    """``text`` where the number ``got`` is one of ``candidates`` (a mistake's answers, measured
    from the same call), else ``plain``."""
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return plain
    return text if any(math.isclose(got, c, rel_tol=1e-6, abs_tol=1e-9) for c in candidates) else plain


def broadcast_counts(predicted: list[torch.Tensor], labels: list[torch.Tensor]) -> list[float]:
    """What an accuracy over batches counts where each batch's (b, 1) predictions met its (b,)
    labels as a (b, b) table: its matches over the samples, and over the table's entries."""
    tables = [p.reshape(-1, 1) == y.reshape(1, -1) for p, y in zip(predicted, labels)]
    matches = float(sum(int(t.sum()) for t in tables))
    return [
        matches / max(1, sum(len(p) for p in predicted)),
        matches / max(1, sum(t.numel() for t in tables)),
    ]


def conv_shapes(
    shape_of: Callable[[int, int], tuple[int, ...]], stride: int, padding: int
) -> tuple[Shaped, ...]:
    """A convolution's or pooling's shapes of a stride or padding left out: ``shape_of(stride,
    padding)`` is the reference's output shape for such a call (only those that differ from the
    asked call's shape say something)."""
    asked = shape_of(stride, padding)
    said: dict[tuple[int, ...], set[str]] = {}
    for both, one, left_out in (
        (STRIDE_UNUSED, ONE_AXIS["stride"], shape_of(1, padding)),
        (PADDING_UNUSED, ONE_AXIS["padding"], shape_of(stride, 0)),
    ):
        # the step left out on both axes, or on one: H alone (F.pad's pair pads W alone, as the
        # padding's words say), or W alone for the stride
        for text, shape in (
            (both, left_out),
            (one, (*asked[:-2], left_out[-2], asked[-1])),
            *(((one, (*asked[:-1], left_out[-1])),) if one == ONE_AXIS["stride"] else ()),
        ):
            if shape != asked:
                said.setdefault(shape, set()).add(text)
    # a shape two causes give names neither (the learner who wrote the other would be misled)
    return tuple(Shaped(texts.pop(), _is(shape)) for shape, texts in said.items() if len(texts) == 1)


def _is(wanted: tuple[int, ...]) -> Callable[[tuple[int, ...]], bool]:
    return lambda shape: shape == wanted


def batch_squeezed(x: torch.Tensor) -> Shaped:
    """An answer of ``x``'s elements whose leading axis, of size 1 in ``x``, is gone."""
    squeezed = tuple(d for d in x.shape if d != 1)
    return Shaped(BATCH_SQUEEZED, lambda shape: x.shape[0] == 1 and bool(shape) and merges(shape, squeezed))


def output_size_said(got: object, n: int, k: int, padding: int, stride: int, plain: str) -> str:
    """The hint for an output size ``got`` where ⌊(n + 2p − k)/s⌋ + 1 is asked: padding counted
    once, a stride never applied, the 1 added before the division or left out, the division
    rounded up or to the nearest integer (math.ceil, round()), else ``plain``; none where
    two of them give ``got`` (at n = 32, k = 5, p = 2, s = 3 the padding counted once and the 1
    added first both give 10: naming one would mislead the learner who wrote the other)."""
    expected = (n + 2 * padding - k) // stride + 1
    if got == expected or isinstance(got, bool) or not isinstance(got, int):
        return plain
    variants = (
        (PADDING_ONCE, (n + padding - k) // stride + 1 if padding else None),
        (STRIDE_ONCE, n + 2 * padding - k + 1 if stride != 1 else None),
        (ONE_FIRST, (n + 2 * padding - k + 1) // stride if stride != 1 else None),
        # a call without padding or stride only: with them, the padding counted once (padding 1)
        # or the 1 added first (an even span) give the same size, and the learner who leaves the
        # 1 out fails the plain call the suite makes first
        (ONE_LEFT_OUT, n - k if not padding and stride == 1 else None),
        *((ROUNDED, size) for size in _rounded(n + 2 * padding - k, stride)),
    )
    held = list(dict.fromkeys(text for text, size in variants if size == got))
    return held[0] if len(held) == 1 else plain


def _rounded(span: int, stride: int) -> set[int]:
    """The output sizes a span divided by the stride gives rounded up or to the nearest
    (half up, half to even) where it is no whole number, then + 1."""
    if span % stride == 0:
        return set()
    return {-(-span // stride) + 1, round(span / stride) + 1, math.floor(span / stride + 0.5) + 1} - {
        span // stride + 1
    }


FACTOR_MISSING = N_("this is the count without the factor {0}: multiply by it too")
FACTOR_EXTRA = N_("this is the count with the factor {0} once too often: it is counted twice")


def factor_said(got: object, expected: int, factors: dict[str, int], plain: str) -> str:
    """The hint for a count ``got`` that is ``expected`` without one of the call's named
    ``factors`` (conv_mults without c_in = 192), or with one once too often, where one value
    alone explains it (its names together: h and w both 28); else ``plain``."""
    if isinstance(got, bool) or not isinstance(got, int) or got in (0, expected):
        return plain
    for text, missing in ((FACTOR_MISSING, True), (FACTOR_EXTRA, False)):
        values = {
            v
            for v in factors.values()
            if v > 1 and (got * v if missing else got) == (expected if missing else expected * v)
        }
        if len(values) == 1:
            return text.format(
                " = ".join([*(n for n, v in factors.items() if v in values), str(values.pop())])
            )
    return plain


def known(text: str, mistaken: torch.Tensor, expected: torch.Tensor) -> tuple[Keyed | Shaped, ...]:
    """The hint ``text`` where the answer is ``mistaken``, what a known wrong variant of the
    exercise returns on the same input: its values where it has the asked shape, else its shape;
    none where the variant answers as asked on this input (a factor of 1, a stride equal to the
    kernel). Its values key it where the answer is theirs and far nearer them than the expected
    ones (a one-sided difference is O(ε) off: a check tighter than that sees it)."""
    if tuple(mistaken.shape) != tuple(expected.shape):
        return (Shaped(text, _is(tuple(mistaken.shape))),)
    wrong, right = mistaken.detach().double(), expected.detach().double()
    if bool(((wrong - right).abs() <= 1e-12 * right.abs()).all()):
        return ()
    same, near = equals(mistaken), nearer(mistaken)  # near: a variant a few ulps off is no cause
    return (
        Keyed(text, lambda got, want: same(got, want) and near(got, want), alternative=True, values=True),
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
        return apart > 0 and (off <= 0.25 * apart or same)

    return when


# A domain's known mistake: its hint and what it computes from a case's (args, kwargs), None
# where it does not apply
Variant = tuple[str, Callable[..., object]]


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
