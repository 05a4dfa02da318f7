"""Small building blocks for my recurrent cells."""

from __future__ import annotations

import torch
from torch import Tensor


def affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """x·Wᵀ + b for a batch of rows."""
    return x @ w.transpose(0, 1) + b


def stable_sigmoid(z: Tensor) -> Tensor:
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
