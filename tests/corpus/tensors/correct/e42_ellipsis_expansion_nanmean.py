# correct: ellipsis assignment, |a|²−2abᵀ+|b|² clamped, nanmean, comparison one_hot (held back: written before the suites' edge inputs)
"""Tensors, written from the docstrings."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    sq = (a * a).sum(dim=1, keepdim=True) - 2 * a @ b.T + (b * b).sum(dim=1)
    return sq.clamp_min(0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    preds = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (preds == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    return torch.where(torch.isnan(x), torch.nanmean(x, dim=0, keepdim=True), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    l1 = x.abs().sum()
    l2 = (x * x).sum().sqrt()
    return l1, l2
