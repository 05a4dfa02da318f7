"""Activation functions written by hand, shared by mlp.py (a helper module beside it)."""

from __future__ import annotations

import torch
from torch import Tensor


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    """tanh(|x|) = −expm1(−2|x|) / (2 + expm1(−2|x|)); expm1 keeps small |x| accurate, and
    the exponent is never positive, so ±1000 stays finite."""
    m = torch.expm1(-2.0 * x.abs())
    return torch.sign(x) * (-m / (2.0 + m))


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
