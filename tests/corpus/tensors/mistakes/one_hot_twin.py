# mistake: F.one_hot(labels).float() (breaks: off limits: F.one_hot)
# cause: one_hot twin
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x + y
    return z


def row_normalize(x):
    return torch.div(x, x.sum(axis=1)[:, None])


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    d = a.unsqueeze(1) - b.unsqueeze(0)
    return torch.sum(d * d, dim=2)


def one_hot(labels, num_classes):
    return F.one_hot(labels, num_classes).float()


def accuracy(y_hat, y):
    preds = y_hat.argmax(1).tolist() if len(y_hat.shape) == 2 else y_hat.tolist()
    hits = 0
    for p, t in zip(preds, y.tolist()):
        hits += int(p) == int(t)
    return float(hits) / len(preds)


def flatten_batch(x):
    return torch.flatten(x, start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    present = ~x.isnan()
    sums = x.nan_to_num(0.0).sum(0)
    means = sums / present.sum(0)
    return x.where(present, means)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    products = torch.mul(a[:, :, None], b[None, :, :])
    return torch.sum(products, dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat ** 2).sum() ** 0.5
