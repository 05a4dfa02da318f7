"""Tensors with torch.vmap for the per-row maps, constants at module level."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

ROW_DIM = 1
ONE = 1.0


@dataclass(frozen=True)
class Shapes:
    n: int
    d: int

    @classmethod
    def of(cls, t: Tensor) -> "Shapes":
        return cls(t.shape[0], t.shape[1])


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.zero_()
    z.add_(x)
    z.add_(y)
    return z


def _normalise_row(row: Tensor) -> Tensor:
    return row / row.sum()


def row_normalize(x: Tensor) -> Tensor:
    return torch.vmap(_normalise_row)(x)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    def dists_to_b(row: Tensor) -> Tensor:
        return ((row - b) ** 2).sum(dim=-1)

    return torch.vmap(dists_to_b)(a)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = labels.new_zeros((labels.shape[0], num_classes), dtype=torch.float32)
    return out.scatter_(ROW_DIM, labels.unsqueeze(ROW_DIM), ONE)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.dim() == 2:
        y_hat = torch.argmax(y_hat, dim=ROW_DIM)
    return torch.eq(y_hat, y).sum().item() / y.shape[0]


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.view(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    shapes = Shapes.of(x)
    present = ~torch.isnan(x)
    numbers = torch.nan_to_num(x, nan=0.0)
    means = numbers.sum(0) / present.sum(0)
    return torch.where(present, x, means.expand(shapes.n, shapes.d))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.vmap(lambda row: (row[:, None] * b).sum(0))(a)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    sq = x * x
    return torch.sum(torch.abs(x)), torch.sqrt(torch.sum(sq))
