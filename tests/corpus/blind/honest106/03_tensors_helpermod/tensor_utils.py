"""Reusable reductions for my tensor exercises."""

from __future__ import annotations

import torch
from torch import Tensor


def column(t: Tensor) -> Tensor:
    """A 1-D tensor as an (n, 1) column."""
    return t.unsqueeze(-1)


def sum_sq(t: Tensor, dim: int | None = None) -> Tensor:
    if dim is None:
        return t.pow(2).sum()
    return t.pow(2).sum(dim=dim)


def safe_sqrt(t: Tensor) -> Tensor:
    return torch.sqrt(t)
