"""Tensors — a learner who likes small classes and dataclasses."""

from __future__ import annotations

import math  # noqa: F401
from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


@dataclass(frozen=True)
class Norms:
    x: Tensor

    @property
    def l1(self) -> Tensor:
        return self.x.abs().sum()

    @property
    def l2(self) -> Tensor:
        return self.x.square().sum().sqrt()


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    s = x.sum(axis=1, keepdims=True)
    return x / s


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(-2) - b.unsqueeze(-3)).square().sum(-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    result = labels.new_zeros((labels.numel(), num_classes), dtype=torch.float32)
    result.scatter_(dim=1, index=labels.view(-1, 1), value=1)
    return result


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predictions = y_hat.max(dim=1).indices if y_hat.dim() == 2 else y_hat
    return torch.eq(predictions, y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.size(0), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    known = ~torch.isnan(x)
    zeroed = torch.nan_to_num(x, nan=0.0)
    means = zeroed.sum(dim=0, keepdim=True) / known.sum(dim=0, keepdim=True)
    return torch.where(known, x, means)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.mul(a.unsqueeze(-1), b.unsqueeze(0)).sum(1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    n = Norms(x)
    return n.l1, n.l2
