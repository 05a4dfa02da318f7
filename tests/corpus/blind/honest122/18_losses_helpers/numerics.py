"""Numerical helpers shared by losses.py: reductions, a stable softplus and LogSumExp."""

from __future__ import annotations

import torch
from torch import Tensor

REDUCTIONS = {
    "mean": lambda t: t.mean(),
    "sum": lambda t: t.sum(),
    "none": lambda t: t,
}


def reduce(t: Tensor, reduction: str) -> Tensor:
    try:
        fn = REDUCTIONS[reduction]
    except KeyError:
        raise ValueError(f"reduction must be one of {sorted(REDUCTIONS)}") from None
    return fn(t)


def softplus(z: Tensor) -> Tensor:
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|), never overflowing."""
    return torch.relu(z) + torch.log1p(torch.exp(-z.abs()))


def shifted_logsumexp(x: Tensor, dim: int) -> tuple[Tensor, Tensor]:
    """(x − m, log Σ exp(x − m)) along dim (kept), m the maximum: LogSumExp = m + the second.

    Returned apart so that callers subtract the small log-sum from x − m instead of adding m back
    (m + log Σ would round to the precision of m, which matters in float16).
    """
    m = x.amax(dim=dim, keepdim=True).detach()
    z = x - m
    return z, torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))
