"""Tensors — 张量. Helpers live in tensor_helpers.py beside this file."""

from __future__ import annotations

import torch
from torch import Tensor

from tensor_helpers import class_grid, keep_rows, squared


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x + y   # 节省内存: same storage
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / keep_rows(x)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a[:, None, :] - b[None, :, :]
    return squared(diff).sum(-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return (labels.unsqueeze(1) == class_grid(num_classes, labels)).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(1) if y_hat.dim() > 1 else y_hat
    return float((pred == y).float().mean())


def flatten_batch(x: Tensor) -> Tensor:
    return x.flatten(start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    mask = x.isnan()
    filled = x.clone()
    total = torch.where(mask, torch.zeros_like(x), x).sum(0)
    count = (~mask).sum(0).to(x.dtype)
    mean = total / count
    filled[mask] = mean.expand_as(x)[mask]
    return filled


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a[:, :, None] * b[None, :, :]).sum(1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), squared(x).sum().sqrt()
