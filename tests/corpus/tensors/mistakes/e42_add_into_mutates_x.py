# mistake: add into mutates x (breaks: add_into: x and y are unchanged)
# cause: add_into input_domain:inputs
"""Tensors, written from the docstrings."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x.add_(y))
    return z


def row_normalize(x: Tensor) -> Tensor:
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)
    return (diff * diff).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.unsqueeze(1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    preds = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (preds == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    missing = torch.isnan(x)
    zeroed = torch.where(missing, torch.zeros_like(x), x)
    counts = (~missing).sum(dim=0, keepdim=True).to(x.dtype)
    means = zeroed.sum(dim=0, keepdim=True) / counts
    return torch.where(missing, means.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    l1 = x.abs().sum()
    l2 = (x * x).sum().sqrt()
    return l1, l2
