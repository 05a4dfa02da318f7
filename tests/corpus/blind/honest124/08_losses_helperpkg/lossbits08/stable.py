"""Numerically careful primitives (no torch.logsumexp, no softmax functions)."""

from __future__ import annotations

import torch
from torch import Tensor


def shifted(x: Tensor, dim: int) -> Tensor:
    """x − max(x) along dim (the maximum detached: it only moves the exponents into (−∞, 0])."""
    return x - torch.amax(x, dim=dim, keepdim=True).detach()


def log_normaliser(z: Tensor, dim: int) -> Tensor:
    """log Σ exp(z) along dim for a shifted z (every exponent ≤ 0, the sum ≥ 1), keepdim=True."""
    return z.exp().sum(dim=dim, keepdim=True).log()


def logsumexp_keep(x: Tensor, dim: int) -> Tensor:
    """log Σ exp(x) along dim, keepdim=True: the maximum plus the log-normaliser of the shifted x."""
    m = torch.amax(x, dim=dim, keepdim=True).detach()
    return m + log_normaliser(x - m, dim)


def softplus_stable(z: Tensor) -> Tensor:
    """log(1 + e^z) = logaddexp(0, z): log1p-accurate in the tails, never overflows."""
    return torch.logaddexp(torch.zeros_like(z), z)
