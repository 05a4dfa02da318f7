"""Tensors — the functions live on a small class, with functools and typing helpers."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import Final, Tuple

import torch
from torch import Tensor

_ROWS: Final[int] = 1


@dataclass(frozen=True)
class Reducer:
    """Reduce along one axis, keeping it for broadcasting."""

    dim: int

    def sum(self, t: Tensor) -> Tensor:
        return t.sum(dim=self.dim, keepdim=True)


class TensorOps:
    rows = Reducer(_ROWS)
    cols = Reducer(0)

    @staticmethod
    def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
        torch.add(x, y, out=z)
        return z

    @classmethod
    def row_normalize(cls, x: Tensor) -> Tensor:
        return x / cls.rows.sum(x)

    @staticmethod
    def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
        sq = functools.partial(torch.sum, dim=-1)
        return sq((a.unsqueeze(1) - b.unsqueeze(0)) ** 2)

    @staticmethod
    def one_hot(labels: Tensor, num_classes: int) -> Tensor:
        n = labels.shape[0]
        out = labels.new_zeros((n, num_classes), dtype=torch.float32)
        out[torch.arange(n, device=labels.device), labels] = 1.0
        return out

    @staticmethod
    def accuracy(y_hat: Tensor, y: Tensor) -> float:
        pred = y_hat.argmax(1) if y_hat.dim() > 1 else y_hat
        hits = int(operator.eq(pred, y).sum())
        return hits / int(y.shape[0])

    @staticmethod
    def flatten_batch(x: Tensor) -> Tensor:
        rest = functools.reduce(operator.mul, x.shape[1:], 1)
        return x.reshape(x.shape[0], rest)

    @classmethod
    def fill_nan_with_column_mean(cls, x: Tensor) -> Tensor:
        holes = x.isnan()
        numbers = x.masked_fill(holes, 0)
        means = cls.cols.sum(numbers) / cls.cols.sum((~holes).to(x.dtype))
        return x.masked_scatter(holes, means.expand_as(x)[holes]) if bool(holes.any()) else x.clone()

    @staticmethod
    def matmul(a: Tensor, b: Tensor) -> Tensor:
        return torch.sum(a[..., None] * b[None, ...], dim=1)

    @staticmethod
    def norms(x: Tensor) -> Tuple[Tensor, Tensor]:
        return x.abs().sum(), x.square().sum().sqrt()


add_into = TensorOps.add_into
row_normalize = TensorOps.row_normalize
pairwise_sq_dists = TensorOps.pairwise_sq_dists
one_hot = TensorOps.one_hot
accuracy = TensorOps.accuracy
flatten_batch = TensorOps.flatten_batch
fill_nan_with_column_mean = TensorOps.fill_nan_with_column_mean
matmul = TensorOps.matmul
norms = TensorOps.norms
