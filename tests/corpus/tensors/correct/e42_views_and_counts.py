# correct: view flatten, count-based accuracy, flattened norms, addcmul-free row sums (held back: written before the suites' edge inputs)
"""Tensors, written from the docstrings."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return torch.div(x, torch.sum(x, 1)[:, None])


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return (diff * diff).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.unsqueeze(1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    preds = y_hat if y_hat.dim() == 1 else torch.argmax(y_hat, dim=1)
    return int(torch.eq(preds, y).sum()) / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    n = x.shape[0]
    return x.view(n, x.shape[1] * x.shape[2] * x.shape[3])


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    missing = torch.isnan(x)
    zeroed = torch.where(missing, torch.zeros_like(x), x)
    counts = (~missing).sum(dim=0, keepdim=True).to(x.dtype)
    means = zeroed.sum(dim=0, keepdim=True) / counts
    return torch.where(missing, means.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    l1 = torch.sum(torch.abs(flat))
    l2 = torch.sqrt(torch.sum(flat**2))
    return l1, l2
