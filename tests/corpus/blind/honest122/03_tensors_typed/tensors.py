"""Tensors — a typed version with a couple of careful special cases."""

from __future__ import annotations

from functools import reduce
from operator import mul
from typing import Final, Tuple

import torch
from torch import Tensor

LABEL_DTYPE: Final = torch.float32


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    inv: Tensor = x.sum(dim=1).reciprocal()
    return x * inv.unsqueeze(-1)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return (a[:, None] - b[None]).pow(2).sum(-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes: Tensor = torch.arange(num_classes, device=labels.device)
    return labels.reshape(-1, 1).eq(classes).to(LABEL_DTYPE)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predicted: Tensor = y_hat if y_hat.dim() == 1 else y_hat.max(dim=1).indices
    hits: int = int(predicted.eq(y).count_nonzero())
    return hits / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    features: int = reduce(mul, x.shape[1:], 1)
    return x.view(x.shape[0], features)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    missing: Tensor = x.isnan()
    if not bool(missing.any()):
        return x.clone()                                   # nothing to fill: still a new tensor
    filled: Tensor = x.clone()
    filled[missing] = 0                                    # in place, on our own copy
    means: Tensor = filled.sum(0) / (~missing).sum(0)
    filled[missing] = means.expand_as(x)[missing]
    return filled


def matmul(a: Tensor, b: Tensor) -> Tensor:
    prod: Tensor = a.unsqueeze(-1).mul(b.unsqueeze(0))      # (n, k, m)
    return prod.sum(dim=-2)


def norms(x: Tensor) -> Tuple[Tensor, Tensor]:
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    if x.numel() == 0:
        return zero, zero.clone()
    scale = x.detach().abs().max()
    if scale == 0:
        # all zeros: both norms are 0 (keep the graph through x so gradients are defined)
        return x.abs().sum(), (x * x).sum()
    l2 = scale * ((x / scale) ** 2).sum().sqrt()           # scaled to avoid overflow of x**2
    return x.abs().sum(), l2
