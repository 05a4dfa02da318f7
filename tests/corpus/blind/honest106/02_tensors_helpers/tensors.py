"""Tensors, with small private helpers and type hints everywhere."""

from __future__ import annotations

import math  # noqa: F401
from typing import Tuple

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


def _keepdim_sum(t: Tensor, dim: int) -> Tensor:
    return t.sum(dim=dim, keepdim=True)


def _squares(t: Tensor) -> Tensor:
    return t * t


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x.div(_keepdim_sum(x, 1))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)      # (n, m, d)
    return _squares(diff).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    eye = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return eye[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    preds = y_hat if y_hat.dim() == 1 else torch.argmax(y_hat, dim=1)
    correct: int = int((preds == y).sum().item())
    return correct / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(-1, x[0].numel())


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    mask = x.isnan()
    filled = x.masked_fill(mask, 0.0)
    counts = (~mask).sum(dim=0).to(x.dtype)
    col_mean = filled.sum(dim=0) / counts
    out = x.clone()
    out[mask] = col_mean.expand_as(x)[mask]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    n, k = a.shape
    k2, m = b.shape
    assert k == k2, "inner dimensions differ"
    return (a.reshape(n, k, 1) * b.reshape(1, k, m)).sum(1)


def norms(x: Tensor) -> Tuple[Tensor, Tensor]:
    return x.abs().sum(), _squares(x).sum().sqrt()
