# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Tensors, terse: typed, keyword-only internals, early-return preconditions."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.func import vmap


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x + y
    return z


def _div_by(x: Tensor, *, totals: Tensor) -> Tensor:
    return x / totals


def row_normalize(x: Tensor) -> Tensor:
    return _div_by(x, totals=x.sum(1, True))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return vmap(lambda r: (r - b).pow(2).sum(-1))(a)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    if labels.numel() == 0:
        return torch.zeros(0, num_classes, dtype=torch.float32, device=labels.device)
    return torch.zeros(labels.shape[0], num_classes, dtype=torch.float32, device=labels.device).scatter_(1, labels[:, None], 1.0)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    p = y_hat.argmax(-1) if y_hat.dim() > 1 else y_hat
    return (p == y).double().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return torch.flatten(x, start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    m = x.isnan()
    return x.masked_fill(m, 0).add(m * (x.nan_to_num(0).sum(0) / (~m).sum(0)))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return vmap(lambda row: (row[:, None] * b).sum(0))(a)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.square().sum().sqrt()
