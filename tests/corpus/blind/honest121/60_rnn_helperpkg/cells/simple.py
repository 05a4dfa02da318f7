from __future__ import annotations

import torch
from torch import Tensor


def affine(inp: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """inp·weightᵀ + bias for inp (batch, in) and weight (out, in)."""
    return inp @ weight.transpose(0, 1) + bias


def tanh_step(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(affine(x, w_ih, b_ih) + affine(h, w_hh, b_hh))
