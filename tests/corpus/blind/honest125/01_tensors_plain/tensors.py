"""Tensors — plain whole-tensor operations, written by a learner."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Write x + y into z's own storage and hand z back."""
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    """Divide every row by its (n, 1) sum."""
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """(n, 1, d) − (1, m, d) → squared and summed over d."""
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return (diff * diff).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """A row of zeros per label with a single 1."""
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out[torch.arange(labels.shape[0], device=labels.device), labels] = 1.0
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax (first of ties) when scores are given, else the labels themselves."""
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    hits = (y_hat.to(y.dtype) == y).sum().item()
    return float(hits) / float(y.numel())


def flatten_batch(x: Tensor) -> Tensor:
    """(N, C, H, W) → (N, C·H·W)."""
    n = x.shape[0]
    return x.reshape(n, -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Column means over the numbers only, pasted where x is NaN."""
    nan = torch.isnan(x)
    present = (~nan).to(x.dtype)
    cleaned = torch.where(nan, torch.zeros_like(x), x)
    col_mean = cleaned.sum(dim=0) / present.sum(dim=0)
    return torch.where(nan, col_mean.unsqueeze(0).expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """(n, k, 1) · (1, k, m), summed over k — no product routine."""
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Σ|x| and the square root of Σx²."""
    l1 = x.abs().sum()
    l2 = (x * x).sum().sqrt()
    return l1, l2
