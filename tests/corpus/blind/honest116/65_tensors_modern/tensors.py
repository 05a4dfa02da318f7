"""Tensors — modern-Python flavour: match, walrus, lru_cache, TYPE_CHECKING, __all__."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from torch import Tensor

__all__ = ["add_into", "row_normalize", "pairwise_sq_dists", "one_hot", "accuracy", "flatten_batch",
           "fill_nan_with_column_mean", "matmul", "norms"]


@lru_cache(maxsize=None)
def _feature_count(shape: tuple[int, ...]) -> int:
    n = 1
    for s in shape[1:]:
        n *= s
    return n


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.Tensor.copy_(z, x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / torch.Tensor.sum(x, dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return torch.sum((a[:, None] - b[None]) ** 2, dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return (labels[:, None] == torch.arange(num_classes, device=labels.device)[None, :]).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    match y_hat.dim():
        case 2:
            pred = y_hat.argmax(dim=1)
        case 1:
            pred = y_hat
        case other:
            raise ValueError(f"y_hat must be 1-D or 2-D, got {other} dims")
    return (hits := int((pred == y).sum())) / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    return x.reshape(x.shape[0], _feature_count(tuple(x.shape)))


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    if not (missing := torch.isnan(x)).any():
        return x.clone()
    return x.masked_fill(missing, 0).add(missing * torch.nanmean(x, dim=0))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.sum(a.unsqueeze(2) * b.unsqueeze(0), 1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return (l1 := x.abs().sum()), x.square().sum() ** 0.5
