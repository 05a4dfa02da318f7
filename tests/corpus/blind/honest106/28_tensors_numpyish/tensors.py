"""Tensors — a NumPy user's spelling: axis=, keepdims=, np-like names, numpy only for a constant."""

from __future__ import annotations

import math  # noqa: F401

import numpy as np
import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor

EPS_ZERO = float(np.float64(0.0))


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / x.sum(axis=1, keepdims=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    a2 = torch.sum(a ** 2, axis=1).reshape(-1, 1)
    b2 = torch.sum(b ** 2, axis=1).reshape(1, -1)
    ab = torch.sum(a.reshape(a.shape[0], 1, -1) * b.reshape(1, b.shape[0], -1), axis=2)
    return torch.maximum(a2 + b2 - 2 * ab, torch.tensor(EPS_ZERO, dtype=a.dtype, device=a.device))


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return torch.stack([labels == c for c in range(num_classes)], dim=1).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.ndim == 2:
        y_hat = y_hat.argmax(axis=1)
    return float((y_hat == y).sum()) / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    return x.reshape(len(x), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    return torch.where(x.isnan(), x.nanmean(axis=0), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a[:, :, np.newaxis] * b[np.newaxis, :, :]).sum(axis=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return torch.sum(torch.abs(x)), torch.sqrt(torch.sum(torch.square(x)))
