"""What a mismatch of values shows beyond "wrong" (:func:`shown`: a factor, the sign, the
transpose, a shift, float32's precision), and hints keyed to the cause they are for
(:class:`Keyed`, :class:`Shaped`): docs/checks.md, "A hint is keyed to its cause"."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from grader.base.i18n import N_, _

When = Callable[[torch.Tensor, torch.Tensor], bool]


@dataclass(frozen=True)
class Keyed:
    """A hint and what it is for: ``when(got, expected)`` (float64 tensors of the same shape)."""

    text: str
    when: When
    # one of several explanations of the same answer (a known wrong variant, grader/checks/
    # variants.py): shown only where no other alternative with other words holds too
    alternative: bool = False
    # ``when`` holds only where the answer is a variant's values, its infinities where the
    # variant has them: the hint explains an infinity too (no "an exp that overflowed" in its place)
    values: bool = False


def explains(hint: Hint, text: str) -> bool:
    """Whether ``text``, chosen from ``hint``, is a variant's values (:attr:`Keyed.values`)."""
    hints = (hint,) if isinstance(hint, (str, Keyed, Shaped)) else hint
    return any(isinstance(one, Keyed) and one.values and one.text == text for one in hints)


@dataclass(frozen=True)
class Shaped:
    """A hint for an answer of the wrong shape and the shapes it is for: ``when(shape)`` (a
    mistake's shape: the stride-1 size where a stride was asked, the batch axis squeezed away)."""

    text: str
    when: Callable[[tuple[int, ...]], bool]


# a plain hint (shown whatever the failure), a keyed one, or several: the first that holds, a
# plain one among them holding always (the fallback after the keyed ones before it)
Hint = str | Keyed | Shaped | tuple[Keyed | Shaped | str, ...]


def chosen(hint: Hint, got: torch.Tensor | None, expected: torch.Tensor | None) -> str:
    """The hint to show, "" for none: the first of ``hint`` that holds of the values compared; where
    no values were compared (a failure of form, ``expected`` None), a :class:`Shaped` one that
    holds of ``got``'s shape, else a plain one."""
    compared = got is not None and expected is not None and got.shape == expected.shape
    hints = (hint,) if isinstance(hint, (str, Keyed, Shaped)) else hint
    # the alternatives (known wrong variants) that hold, each judged once: two that give the same
    # values on this input (huber's δ·(|d| − δ) and δ·|d| − 0.5·δ at δ = 0.5) tell the answer
    # apart from neither, and naming one would mislead the learner who wrote the other
    alternatives = [one for one in hints if isinstance(one, Keyed) and one.alternative]
    held = [one for one in alternatives if one.when(got, expected)] if compared else []  # type: ignore[arg-type]
    ambiguous = len({one.text for one in held}) > 1
    for one in hints:
        if isinstance(one, str):
            return one
        if isinstance(one, Shaped):
            if expected is None and isinstance(got, torch.Tensor) and one.when(tuple(got.shape)):
                return one.text
        elif one.alternative:
            if not ambiguous and any(one is h for h in held):
                return one.text
        elif compared and one.when(got, expected):  # type: ignore[arg-type]
            return one.text
    return ""


def reshaped(got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """What a shape that came out is, said from the expected one: its leading dimensions merged
    into one, its size-1 dimensions dropped or one too many, the dimensions in another order, an
    (n, n) table where (n,) was asked; "" when nothing simple."""
    if got == expected:
        return ""
    # a squeeze, an integer index, a cat: the shape cannot tell
    if got == tuple(d for d in expected if d != 1):
        return _("the size-1 dimensions dropped")
    if len(got) < len(expected) and math.prod(got) == math.prod(expected):
        for k in range(2, len(expected) + 1):
            if got == (math.prod(expected[:k]), *expected[k:]):
                return _("the leading dimensions %(dims)s merged into one") % {"dims": tuple(expected[:k])}
    if got[len(got) - len(expected) :] == expected and set(got[: len(got) - len(expected)]) == {1}:
        return _(  # in front: broadcasting adds dimensions there too
            "a dimension of size 1 too many in front (keepdim=True, an unsqueeze, or an operand of more "
            "dimensions, such as torch.zeros(1), that broadcasting met)"
        )
    if expected == tuple(d for d in got if d != 1):
        return _("a dimension of size 1 too many (keepdim=True or unsqueeze where none is asked)")
    if len(got) == 2 and got[0] == got[1] > 1 and expected in ((got[0],), (got[0], 1)):
        return _("an (n, n) table: an (n, 1) tensor met an (n,) one and broadcast; bring both to (n,)")
    if len(got) == len(expected) and sorted(got) == sorted(expected):
        return _("its dimensions in another order (a transpose or permute)")
    return ""


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float = 1e-4, floor: float = 1e-9) -> bool:
    """``a`` ≈ ``b`` within ``rtol``, and within ``floor`` × the largest finite value near 0
    (infinities equal where they are: an infinite scale would let any finite value pass)."""
    finite = b[b.isfinite()]
    scale = float(finite.abs().max()) if finite.numel() else 0.0
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=rtol, atol=floor * max(scale, 1e-300)))


def absolute(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """``got`` is ``expected``'s absolute value where some expected value is negative: a formula
    written on |x| whose sign never came back (a predicate for :class:`Keyed`)."""
    if got.shape != expected.shape or not bool((expected < 0).any()) or _close(got, expected):
        return False
    return bool(got.isfinite().all() and expected.isfinite().all()) and _close(got, expected.abs())


# the answer's absolute values: a sign lost (shown by every value check, before its own hints)
SIGN_LOST = N_(
    "these are the answer's absolute values: the sign is lost where the answer is negative; a formula "
    "written on |x| needs the sign back (torch.sign(x) · …, or torch.where(x < 0, −t, t))"
)


def wrong(got: torch.Tensor, expected: torch.Tensor) -> torch.Tensor:
    """Where the values differ (a NaN or an infinity where the other has a number counts)."""
    return ~torch.isclose(got, expected, rtol=1e-5, atol=1e-6, equal_nan=True)


def wrong_where(mask: torch.Tensor) -> When:
    """Some value is wrong inside ``mask`` (a predicate for :class:`Keyed`)."""
    return lambda got, expected: bool((wrong(got, expected) & mask.to(got.device)).any())


def equals(mistaken: torch.Tensor) -> When:
    """The values are what ``mistaken`` holds: a known mistake's values, computed by the suite
    (a predicate for :class:`Keyed`; the cause stays the check's, unlike ``mistakes=``)."""
    # float32's sums in another order (a convolution by unfold and by conv2d) differ near 0 by
    # a few ulps of the largest value
    return lambda got, expected: _close(got, mistaken.detach().double().to(got.device), rtol=1e-5, floor=1e-5)


def scaled_by(factors: tuple[float, ...]) -> When:
    """A single value that is k × the expected one for k among ``factors`` (a predicate for
    :class:`Keyed`): a loss summed over n terms where their mean was asked is n × the answer."""

    def when(got: torch.Tensor, expected: torch.Tensor) -> bool:
        if got.numel() != 1 or float(expected) == 0.0:
            return False
        k = float(got) / float(expected)
        return any(f != 1 and abs(k - f) <= 1e-6 * abs(f) for f in factors)

    return when


# The reduction's mistakes: a sum where a mean was asked (n × the answer), a mean where a sum was
SUMMED = N_(
    "the docstring's reduction is a mean: the sum divided by the number of terms it averages "
    "(.mean()), not the sum alone"
)
AVERAGED = N_("the docstring's reduction is a sum over the terms, not divided by their number")


def reduction_mistakes(sizes: tuple[int, ...]) -> tuple[Keyed, ...]:
    """The reduction's keyed hints for an output reduced over ``sizes`` terms (an input's rows,
    its elements): n × or 1/n × the answer."""
    counts = tuple(float(n) for n in sizes if n > 1)
    if not counts:
        return ()
    return (
        Keyed(SUMMED, scaled_by(counts)),
        Keyed(AVERAGED, scaled_by(tuple(1 / n for n in counts))),
    )


def overflowed(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """+inf or NaN where a finite value was expected: something overflowed."""
    return bool((expected.isfinite() & (got.isnan() | (got == float("inf")))).any())


def underflowed(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """−inf (and no overflow) where a finite value was expected: a log of 0, an exp that went to 0."""
    return not overflowed(got, expected) and bool((expected.isfinite() & (got == float("-inf"))).any())


def _factor(got: torch.Tensor, expected: torch.Tensor) -> float | None:
    """k where got ≈ k·expected everywhere (k ≠ 1, 0), None otherwise."""
    nonzero = expected.abs() > 1e-12 * float(expected.abs().max())
    if not nonzero.any():
        return None
    k = float((got[nonzero] / expected[nonzero]).median())
    if k == 0 or abs(k - 1) < 1e-3 or not _close(got, k * expected):
        return None
    return k


def _negated(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """``got`` is −``expected`` where infinities decide too: −inf where +inf was expected (a
    log ratio the other way round), the finite values their negatives (or zeros where zeros)."""
    infinite = expected.isinf()
    if got.isnan().any() or expected.isnan().any() or bool((got.isinf() != infinite).any()):
        return False
    if not bool((got[infinite] == -expected[infinite]).all()):
        return False
    finite_got, finite_expected = got[~infinite], expected[~infinite]
    if not bool((finite_expected != 0).any()):  # the infinities alone: one flipped says little
        return int(infinite.sum()) >= 2 and bool((finite_got == 0).all())
    k = _factor(finite_got, finite_expected)
    return k is not None and abs(k + 1) < 1e-3


def _nice(k: float) -> str:
    """k as a reader writes it: "2", "1/2", "0.8"; "" for a factor too odd to be a cause."""
    for value, written in ((k, "%d"), (1 / k, "1/%d")):
        n = round(value)
        if 2 <= abs(n) <= 1000 and abs(value - n) < 1e-3 * abs(n):
            return written % n if n > 0 else "−" + written % -n
    return f"{k:.4g}"


# a logarithm to another base: log_b(x) = ln(x) / ln(b), every value the same factor away
LOG_BASES = (
    (
        1 / math.log(2),
        N_(
            "%(k)s × what was expected (1/ln 2): a base-2 logarithm where the natural one, torch.log, is asked"
        ),
    ),
    (
        1 / math.log(10),
        N_(
            "%(k)s × what was expected (1/ln 10): a base-10 logarithm where the natural one, torch.log, is asked"
        ),
    ),
    (
        math.log(2),
        N_(
            "%(k)s × what was expected (ln 2): the natural logarithm where a base-2 one, torch.log2, is asked"
        ),
    ),
)


# float32's rounding, a few steps of it: ~8 ulps (2⁻²³ each). A float64 check whose tolerance is
# wider than this cannot tell a float32 tensor inside from another cause (numerical_grad's 1e-6)
FLOAT32_ULPS = 1e-6


def float32_only(got: torch.Tensor, expected: torch.Tensor) -> bool:
    """Finite values that agree with the expected ones to float32's few ulps (:data:`FLOAT32_ULPS`)."""
    return bool(got.isfinite().all() and expected.isfinite().all()) and _close(
        got, expected, rtol=FLOAT32_ULPS
    )


def shown(got: torch.Tensor, expected: torch.Tensor, float64: bool) -> str:
    """What the values that came out are, said from the expected ones; "" when nothing simple.
    ``float64``: the check expected float64 values within a tolerance far below float32's
    (agreement to float32's few ulps, :data:`FLOAT32_ULPS`, then shows a float32 tensor inside)."""
    if not expected.numel():
        return ""
    if not (got.isfinite().all() and expected.isfinite().all()):
        return _("what was expected with its sign flipped") if _negated(got, expected) else ""
    if float64 and float32_only(got, expected):
        return _(
            "what was expected to float32's precision only: a float32 tensor inside a float64 "
            "computation, or a small term (an eps) of another size or placed elsewhere in the formula"
        )
    if absolute(got, expected):
        return _("the absolute value of what was expected: its sign lost where it is negative")
    if expected.dim() == 2 and expected.shape[0] == expected.shape[1] > 1:
        if not _close(expected, expected.T) and _close(got, expected.T):
            return _("the transpose of what was expected")
    moved = _moved(got, expected) or _powered(got, expected)
    if moved:
        return moved
    k = _factor(got, expected)
    return "" if k is None else _scaled(k, expected)


def _moved(got: torch.Tensor, expected: torch.Tensor) -> str:
    """Whole numbers (indices, labels, positions) with 0 among them, each one more than expected
    (counted from 1); else a 1-d answer shifted by one place; "" for neither."""
    whole = bool((expected == expected.round()).all()) and bool((expected == 0).any())
    if whole and got.shape == expected.shape and bool((got - expected == 1).all()):
        return _("each value one more than expected: counted from 1, where Python and torch count from 0")
    if expected.dim() == 1 and len(expected) >= 3 and not _close(got, expected):
        if _close(got[1:], expected[:-1]) or _close(got[:-1], expected[1:]):
            return _("what was expected, shifted by one place")
    return ""


def _powered(got: torch.Tensor, expected: torch.Tensor) -> str:
    """The square of what was expected (a square root left out), or its square root (one taken
    where none is asked); "" for neither. Values all 0 or 1 are their own squares: they never
    differ from the answer this way, so a failing check's values holding it say something. A
    single round value is left to :func:`_scaled` (4 is 2² and 2 × 2: the factor or the power)."""
    if expected.numel() == 1 and float(expected).is_integer():  # 0, 1, 4: their own powers or a factor's
        return ""
    if _close(got, expected.square()) and not _close(got, expected):
        return _("the square of what was expected: a square root left out (or a square where none is asked)")
    if bool((expected >= 0).all()) and _close(got, expected.sqrt()) and not _close(got, expected):
        return _("the square root of what was expected: a square root where none is asked")
    return ""


def _scaled(k: float, expected: torch.Tensor) -> str:
    """Values k × the expected ones, said: a sign flipped, a logarithm's base, a round factor."""
    if abs(k + 1) < 1e-3:
        return _("what was expected with its sign flipped")
    for factor, said in LOG_BASES:
        if abs(k - factor) <= 1e-4 * factor:
            return _(said) % {"k": _nice(k)}
    written = _nice(k)
    # any two numbers have a ratio: only a round one says something
    if expected.numel() == 1 and "." in written:
        return ""
    return _("%(k)s × what was expected") % {"k": written}


def position(index: torch.Tensor, shape: torch.Size) -> str:
    """' at [i, j]' for an element of a tensor; '' for a 0-dim one (a scalar has no position).
    Not ``torch.unravel_index``: its argument checks import torch's symbolic shapes (sympy), 0.47 s
    of a grading process's CPU on its first mismatch."""
    if not len(shape):
        return ""
    flat, coordinates = int(index), []
    for size in reversed(shape):
        flat, coordinate = divmod(flat, size or 1)
        coordinates.append(coordinate)
    return _(" at [%(index)s]") % {"index": ", ".join(str(c) for c in reversed(coordinates))}


def worst(
    a: torch.Tensor, e: torch.Tensor, close: torch.Tensor, rtol: float, atol: float, float64: bool
) -> tuple[str, str]:
    """(expected, got) at the worst value: enough digits to tell them apart, and what the values
    show beside it (:func:`shown`: a factor, a sign, a transposition...)."""
    err = torch.where(close, torch.zeros_like(a), (a - e).abs().nan_to_num(nan=float("inf")))
    i = err.flatten().argmax()
    want, got = e.flatten()[i].item(), a.flatten()[i].item()
    digits = next((d for d in (6, 8, 10, 12, 17) if f"{want:.{d}g}" != f"{got:.{d}g}"), 17)
    notes = [_("%(off)d of %(all)d values off") % {"off": int((~close).sum()), "all": close.numel()}]
    notes = (notes if close.numel() > 1 else []) + [shown(a, e, float64)]
    said = _("; ").join(n for n in notes if n)
    return (
        f"{want:.{digits}g}{position(i, e.shape)}"
        + _(" (tolerance rtol=%(rtol)s, atol=%(atol)s)") % {"rtol": f"{rtol:g}", "atol": f"{atol:g}"},
        f"{got:.{digits}g}" + (_(" (%(notes)s)") % {"notes": said} if said else ""),
    )
