"""Tensors: data manipulation and a little linear algebra, done with plain tensor ops."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    totals = x.sum(dim=1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)          # (n, m, d)
    return (diff * diff).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.unsqueeze(1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.dim() > 1:
        y_hat = y_hat.argmax(dim=1)
    correct = (y_hat == y).sum().item()
    return correct / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means, x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    l1 = x.abs().sum()
    l2 = torch.sqrt((x * x).sum())
    return l1, l2
