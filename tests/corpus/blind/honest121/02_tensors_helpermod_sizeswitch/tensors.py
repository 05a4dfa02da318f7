"""Tensors — uses a helper module (tensor_kit) and a size switch in pairwise_sq_dists."""

from __future__ import annotations

import torch
from torch import Tensor

import tensor_kit as kit


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / kit.as_column(x.sum(dim=1))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    n, d = a.shape
    m = b.shape[0]
    if n * m * d <= kit.BIG:
        # small: exact broadcast of the differences
        return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    # large: the expansion, clamped at 0 (rounding may dip below)
    cross = kit.outer_sum(a, b.T)
    d2 = kit.as_column(kit.squared_row_norms(a)) - 2 * cross + kit.as_row(kit.squared_row_norms(b))
    return d2.clamp_min(0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    grid = torch.arange(num_classes, device=labels.device)
    return (kit.as_column(labels) == kit.as_row(grid)).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return float((predicted == y).double().mean())


def flatten_batch(x: Tensor) -> Tensor:
    return x.flatten(start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    present = ~x.isnan()
    filled = x.nan_to_num(nan=0.0)
    means = filled.sum(dim=0) / present.sum(dim=0)
    out = x.clone()
    out[~present] = means.expand_as(x)[~present]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return kit.outer_sum(a, b)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat * flat).sum().sqrt()
