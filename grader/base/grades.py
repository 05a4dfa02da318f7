"""Points as every reader sees them: one rounding rule, one way to add them up, one way to print.

Every output that shows points (the terminal, a notebook's check(), the feedback, the gradebook's
files, the pages, results.json, every LMS file) goes through here, so one student's numbers agree
wherever they are read. The rule: docs/lms.md, "Who gets what" (rounding each number on its own
showed "losses 57.41 / 99.99" above "Total 57.41 / 100": a whole is the sum of its shown parts).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from grader.base import defaults

DECIMALS = defaults.LMS_DECIMALS
QUANTUM = Decimal(1).scaleb(-DECIMALS)  # 0.01
# The largest denominator a number of points stands for: a course's decimals (100ths) times the
# shares a check's points are cut into (a few exercises, a few kinds), far below 10**6; a float's
# binary error is far smaller than 1/10**12, so the nearest such fraction is the intended one.
DENOMINATOR = 10**6

Number = float | int | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """The rational number ``value`` stands for: 13.333333333333334 → 40/3, 2.675 → 107/40."""
    if isinstance(value, (Decimal, Fraction, int)):
        return Fraction(value)
    return _exact_float(value)


@functools.lru_cache(maxsize=4096)  # a class's reports hold the same few numbers many times
def _exact_float(value: float) -> Fraction:
    binary = Fraction(value)
    return binary if binary.denominator <= DENOMINATOR else binary.limit_denominator(DENOMINATOR)


def _quantize(value: Fraction, down: bool = False) -> Decimal:
    """``value`` at :data:`DECIMALS` decimals, exactly: half to even, or ``down`` (the floor)."""
    scaled = value * 10**DECIMALS
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if down or rest < Fraction(1, 2):
        units = floor
    elif rest > Fraction(1, 2):
        units = floor + 1
    else:  # a tie: to the even neighbour
        units = floor + floor % 2
    return Decimal(units).scaleb(-DECIMALS)


def rounded(value: Number) -> Decimal:
    """``value`` rounded half to even at :data:`DECIMALS` decimals, from its exact fraction."""
    return _rounded_float(value) if isinstance(value, float) else _quantize(exact(value))


@functools.lru_cache(maxsize=4096)
def _rounded_float(value: float) -> Decimal:
    return _quantize(_exact_float(value))


def points(value: Number) -> float:
    """:func:`rounded` as the float JSON and the LMS files hold (two decimals read back exactly)."""
    return float(rounded(value))


def text(value: Number) -> str:
    """The points as printed: rounded, no trailing zeros ("50", "1.5", "36.89", "0")."""
    shown = rounded(value)
    return "0" if shown == 0 else format(shown.normalize(), "f")


def of(earned: Number, possible: Number, between: str = " / ") -> str:
    """ "36.89 / 50": earned and possible as printed."""
    return f"{text(earned)}{between}{text(possible)}"


def exercise_points(earned: Number, possible: Number, most: Decimal | None = None) -> tuple[Decimal, Decimal]:
    """An exercise's shown (points, maximum): the maximum rounded (or ``most``, its share of a
    whole split in cents), the points rounded within 0 and that maximum, and never reading full
    while short of it (2.999 of 3 reads 2.99, not 3)."""
    most = rounded(possible) if most is None else most
    if exact(earned) >= exact(possible):
        return most, most
    return max(min(rounded(earned), most - QUANTUM), Decimal(0).scaleb(-DECIMALS)), most


def added(values: Iterable[Number]) -> float:
    """Shown numbers added without a float's error (0.1 + 0.2 is 0.3 here)."""
    return float(sum((rounded(v) for v in values), Decimal(0)))


def apportion(weights: Sequence[Number], whole: Number) -> list[Decimal]:
    """``whole`` rounded, split as ``weights`` weigh in parts that add up to it exactly (largest
    remainder): each part's share rounded down, then a quantum more for the largest remainders
    (ties: the earlier part). Weights that are all 0 split it equally."""
    cents = [rounded(w) for w in weights]
    if all(isinstance(w, (int, float)) and float(c) == w for c, w in zip(cents, weights)):
        if sum(cents, Decimal(0)) == rounded(whole):  # already cents that add up: points as courses give them
            return cents
    if not weights:
        return []
    exact_weights = [exact(w) for w in weights] if any(weights) else [Fraction(1)] * len(weights)
    target, scale = rounded(whole), sum(exact_weights)
    shares = [w * exact(target) / scale for w in exact_weights]
    parts = [_quantize(share, down=True) for share in shares]
    order = sorted(range(len(parts)), key=lambda i: exact(parts[i]) - shares[i])  # largest remainder first
    for turn in range(int((target - sum(parts, Decimal(0))) / QUANTUM)):
        parts[order[turn]] += QUANTUM
    return parts


def split(whole: Decimal, weights: Sequence[Number], caps: Sequence[Decimal]) -> list[Decimal]:
    """``whole`` apportioned as ``weights`` weigh, no part above its cap (the caps add up to at
    least ``whole``): what a part cannot hold goes to the first ones with room, in order."""
    parts = apportion(weights, whole)
    spill = sum((max(Decimal(0), p - c) for p, c in zip(parts, caps)), Decimal(0))
    parts = [min(p, c) for p, c in zip(parts, caps)]
    for i, cap in enumerate(caps):
        taken = min(spill, cap - parts[i])
        parts[i], spill = parts[i] + taken, spill - taken
    return parts
