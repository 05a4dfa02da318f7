"""Tensors, with the distance and NaN helpers kept in a package beside this file."""

from __future__ import annotations

import torch
from torch import Tensor

from linalg_helpers import column_means_ignoring_nan, sq_dists_broadcast, sq_dists_expanded

SMALL = 4096  # below this many pairs·dims, broadcasting is cheap enough


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x)
    z.add_(y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    totals = x.sum(axis=1, keepdims=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    if a.shape[0] * b.shape[0] * a.shape[1] <= SMALL:
        return sq_dists_broadcast(a, b)
    return sq_dists_expanded(a, b)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels.unsqueeze(-1) == classes).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(torch.float64).sum()) / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    return torch.flatten(x, start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = column_means_ignoring_nan(x)
    return torch.where(torch.isnan(x), means, x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.sum(a.unsqueeze(-1) * b.unsqueeze(0), dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), flat.pow(2).sum().sqrt()
