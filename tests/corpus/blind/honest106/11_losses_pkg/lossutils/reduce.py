from __future__ import annotations

from typing import Callable, Dict

from torch import Tensor

REDUCTIONS: Dict[str, Callable[[Tensor], Tensor]] = {
    "mean": lambda t: t.mean(),
    "sum": lambda t: t.sum(),
    "none": lambda t: t,
}


def reduce(t: Tensor, reduction: str) -> Tensor:
    try:
        return REDUCTIONS[reduction](t)
    except KeyError:
        raise ValueError(f"unknown reduction {reduction!r}") from None
