# mistake: adds y into x in place, then copies x into z (breaks: x and y are unchanged)
# cause: add_into input_domain:inputs
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    x += y
    z[:] = x
    return z


def row_normalize(x):
    totals = x.sum(1)
    return x / totals.unsqueeze(1)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    d = a.unsqueeze(1) - b.unsqueeze(0)
    return torch.sum(d * d, dim=2)


def one_hot(labels, num_classes):
    return torch.eye(num_classes, device=labels.device)[labels]


def accuracy(y_hat, y):
    if y_hat.ndim > 1:
        y_hat = torch.argmax(y_hat, dim=1)
    correct = (y_hat.to(y.dtype) == y).sum().item()
    return correct / len(y)


def flatten_batch(x):
    n, c, h, w = x.shape
    return x.reshape(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)


def matmul(a, b):
    return (a[:, None, :] * b.t()[None, :, :]).sum(-1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat ** 2).sum() ** 0.5
