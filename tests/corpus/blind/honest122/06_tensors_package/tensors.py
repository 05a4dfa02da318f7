"""Tensors exercises on top of the helper package ``tensorkit``."""

from __future__ import annotations

import torch
from torch import Tensor

import tensorkit


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    total = x + y            # computed first: z may be x or y itself
    z[:] = total
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / tensorkit.row_sums(x)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return tensorkit.outer_diff_sq(a, b)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    grid = torch.arange(num_classes, device=labels.device).expand(labels.shape[0], num_classes)
    return (grid == labels[:, None]).to(dtype=torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.dim() == 2:
        y_hat = torch.argmax(y_hat, 1)
    return torch.eq(y_hat, y).sum().item() / y.shape[0]


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.reshape(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = tensorkit.nan_column_mean(x)
    out = x.clone()
    rows, cols = torch.nonzero(out.isnan(), as_tuple=True)
    out[rows, cols] = means[cols]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return tensorkit.outer_product_sum(a, b)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    a = x.abs()
    return a.sum(), (a * a).sum().sqrt()
