"""Tensors — a plain, straightforward solution."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y, keeping z's storage."""
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    """Divide every row by its sum (broadcast over an (n, 1) column)."""
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """Broadcast (n, 1, d) against (1, m, d), square, sum over d."""
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return (diff * diff).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Scatter ones into a zero matrix."""
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.reshape(-1, 1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax (first maximum) for scores, then the fraction of matches."""
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    correct = (y_hat.reshape(-1) == y.reshape(-1)).sum().item()
    return float(correct) / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    """(N, C, H, W) -> (N, C*H*W)."""
    return x.reshape(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """NaN -> mean of the column's numbers; x untouched."""
    mask = torch.isnan(x)
    col_mean = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(mask, col_mean.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """(n, k, 1) * (1, k, m) summed over k."""
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Sum of absolute values, and the root of the sum of squares."""
    l1 = x.abs().sum()
    l2 = torch.sqrt((x * x).sum())
    return l1, l2
