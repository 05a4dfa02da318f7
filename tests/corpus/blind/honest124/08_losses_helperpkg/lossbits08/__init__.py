"""Helper package for 08_losses_helperpkg: a reduction registry and stable log-space primitives."""

from __future__ import annotations

from typing import Callable, Dict

import torch
from torch import Tensor

from .stable import log_normaliser, logsumexp_keep, shifted, softplus_stable

REDUCTIONS: Dict[str, Callable[[Tensor], Tensor]] = {}


def register(name: str):
    def deco(fn: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
        REDUCTIONS[name] = fn
        return fn
    return deco


@register("mean")
def _mean(t: Tensor) -> Tensor:
    return t.mean()


@register("sum")
def _sum(t: Tensor) -> Tensor:
    return t.sum()


@register("none")
def _none(t: Tensor) -> Tensor:
    return t


def reduce(t: Tensor, reduction: str) -> Tensor:
    try:
        fn = REDUCTIONS[reduction]
    except KeyError:
        raise ValueError(f"reduction must be one of {sorted(REDUCTIONS)}, got {reduction!r}") from None
    return fn(t)


__all__ = ["REDUCTIONS", "reduce", "log_normaliser", "logsumexp_keep", "shifted", "softplus_stable"]
