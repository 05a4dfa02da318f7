"""Tensors — fully type-annotated with typing names, a NamedTuple for norms, guard clauses that raise."""

from __future__ import annotations

import math  # noqa: F401
from typing import NamedTuple

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


class NormPair(NamedTuple):
    l1: Tensor
    l2: Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    if z.shape != x.shape or x.shape != y.shape:
        raise ValueError("add_into: shapes differ")
    z.copy_(x).add_(y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    if x.dim() != 2:
        raise ValueError(f"expected a matrix, got {x.dim()} dims")
    totals: Tensor = x.sum(dim=-1, keepdim=True)
    return x / totals


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    if a.shape[-1] != b.shape[-1]:
        raise ValueError("feature sizes differ")
    d: Tensor = a[:, None, :] - b[None, :, :]
    return (d * d).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    target = torch.zeros(labels.numel(), num_classes, device=labels.device)
    target.scatter_(1, labels.unsqueeze(1), torch.ones_like(target))
    return target


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred: Tensor = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return pred.eq(y).double().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.view(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    present = x == x                     # NaN is the only value not equal to itself
    sums = torch.where(present, x, torch.zeros_like(x)).sum(dim=0)
    means = sums / present.sum(dim=0)
    return torch.where(present, x, means.unsqueeze(0))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    if a.shape[1] != b.shape[0]:
        raise ValueError("inner sizes differ")
    prod: Tensor = a.unsqueeze(2) * b.unsqueeze(0)
    return prod.sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    pair = NormPair(l1=x.abs().sum(), l2=x.pow(2).sum().sqrt())
    return pair.l1, pair.l2
