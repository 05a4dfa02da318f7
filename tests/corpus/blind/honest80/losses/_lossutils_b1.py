"""My numerics helpers, shared by my loss functions (imported by l_shared.py)."""
from __future__ import annotations

import torch
from torch import Tensor

LOG_FLOOR = -100.0


def reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return t.mean()
    if reduction == "sum":
        return t.sum()
    if reduction == "none":
        return t
    raise ValueError(f"unknown reduction {reduction!r}")


def stable_exp_ratio(x: Tensor) -> tuple[Tensor, Tensor]:
    """(e, positive) with e = exp(−|x|): σ(x) is 1/(1+e) where x ≥ 0 and e/(1+e) elsewhere."""
    return torch.exp(-x.abs()), x >= 0


def softplus(z: Tensor) -> Tensor:
    return torch.where(z > 0, z, torch.zeros_like(z)) + torch.log1p(torch.exp(-z.abs()))


def shift_by_max(x: Tensor, dim: int) -> Tensor:
    return x - x.amax(dim=dim, keepdim=True)


def log_or_zero(p: Tensor, q: Tensor) -> Tensor:
    """p·log q, with 0 wherever p == 0."""
    keep = p != 0
    return torch.where(keep, p * torch.where(keep, q, torch.ones_like(q)).log(), torch.zeros_like(p))
