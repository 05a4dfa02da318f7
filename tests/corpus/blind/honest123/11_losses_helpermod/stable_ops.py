"""Numerically careful building blocks, shared by losses.py.

Importing this module builds a few constants (per-dtype tiny values, the log floor) and runs a
small self-test comparing two honest forms of the logistic function.
"""

from __future__ import annotations

import torch
from torch import Tensor

LOG_FLOOR = -100.0
TINY = {dt: torch.finfo(dt).tiny for dt in (torch.float16, torch.bfloat16, torch.float32, torch.float64)}


def softplus(z: Tensor) -> Tensor:
    return z.clamp(min=0) + (-z.abs()).exp().log1p()


def logistic(x: Tensor) -> Tensor:
    """σ(x) with the exponent kept ≤ 0."""
    e = (-x.abs()).exp()
    return torch.where(x < 0, e, torch.ones_like(e)) / (1 + e)


def logsumexp_keep(x: Tensor, dim: int) -> Tensor:
    m = x.max(dim=dim, keepdim=True).values.detach()
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()


def plogq(p: Tensor, q: Tensor) -> Tensor:
    """p·log q with 0·log q = 0 (even where q = 0)."""
    return torch.special.xlogy(p, q)


# self-test at import: exp(−softplus(−x)) and the where-form agree
SELFTEST_X = torch.linspace(-30, 30, 61, dtype=torch.float64)
assert torch.allclose(logistic(SELFTEST_X), torch.exp(-softplus(-SELFTEST_X)), rtol=1e-13, atol=0)
