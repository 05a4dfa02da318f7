# mistake: a @ b (breaks: off limits: @)
# cause: matmul twin
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z, x, y):
    torch.add(x, y, out=z)
    return z


def row_normalize(x):
    return torch.div(x, x.sum(axis=1)[:, None])


def pairwise_sq_dists(a, b):
    aa = (a * a).sum(1, keepdim=True)
    bb = (b * b).sum(1).unsqueeze(0)
    return (aa - 2 * a @ b.T + bb).clamp_min(0)


def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels]


def accuracy(y_hat, y):
    if y_hat.ndim > 1:
        y_hat = torch.argmax(y_hat, dim=1)
    correct = (y_hat.to(y.dtype) == y).sum().item()
    return correct / len(y)


def flatten_batch(x):
    return torch.flatten(x, start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    present = ~x.isnan()
    sums = x.nan_to_num(0.0).sum(0)
    means = sums / present.sum(0)
    return x.where(present, means)


def matmul(a, b):
    return a @ b


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.pow(2).sum().sqrt()
