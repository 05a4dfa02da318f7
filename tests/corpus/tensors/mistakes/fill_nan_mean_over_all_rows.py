# mistake: NaN counted as 0 in the mean (divides by n) (breaks: the mean of the column's numbers)
# cause: fill_nan_with_column_mean fill_nan_with_column_mean:values
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    inv = torch.reciprocal(torch.sum(x, dim=-1, keepdim=True))
    return x * inv


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a[:, None, :] - b[None, :, :]
    return (diff ** 2).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (pred == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.flatten(1)


def fill_nan_with_column_mean(x):
    means = x.nan_to_num(0.0).mean(dim=0)
    return torch.where(x.isnan(), means.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat ** 2).sum() ** 0.5
