"""Tensors — a plain, direct implementation (written for the course batch)."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Write x + y into z's own storage and return z."""
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    """Each row divided by its sum (an (n, 1) column, broadcast)."""
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """D[i, j] = sum_k (a[i, k] - b[j, k])^2 by broadcasting (n, 1, d) - (1, m, d)."""
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return (diff * diff).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Zeros, then a 1 scattered at each row's label."""
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.reshape(-1, 1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """Mean of correct predictions as a Python float."""
    if y_hat.dim() == 2:
        y_hat = y_hat.argmax(dim=1)
    correct = (y_hat == y).sum().item()
    return float(correct) / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    """(N, C, H, W) -> (N, C*H*W)."""
    return x.reshape(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Column means of the numbers, written into a copy where x is NaN."""
    nan_mask = x.isnan()
    zeros = torch.zeros_like(x)
    sums = torch.where(nan_mask, zeros, x).sum(dim=0)
    counts = (~nan_mask).sum(dim=0).to(x.dtype)
    means = sums / counts
    return torch.where(nan_mask, means.unsqueeze(0).expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """(n, k, 1) * (1, k, m), summed over k."""
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """L1 = sum |x|, L2 = sqrt(sum x^2) over all elements."""
    l1 = x.abs().sum()
    l2 = x.pow(2).sum().sqrt()
    return l1, l2
