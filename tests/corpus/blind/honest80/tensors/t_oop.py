"""Tensors — an OOP learner: a small Matrix helper class wraps the broadcasting tricks."""
from __future__ import annotations

import torch
from torch import Tensor


class Rows:
    """Views of a 2-D tensor that broadcast row-wise or column-wise."""

    def __init__(self, t: Tensor) -> None:
        self.t = t

    @property
    def as_column_stack(self) -> Tensor:      # (n, 1, d)
        return self.t.unsqueeze(1)

    @property
    def as_row_stack(self) -> Tensor:         # (1, n, d)
        return self.t.unsqueeze(0)

    def sums(self) -> Tensor:                 # (n, 1)
        return self.t.sum(dim=1, keepdim=True)


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / Rows(x).sums()


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = Rows(a).as_column_stack - Rows(b).as_row_stack
    return diff.pow(2).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(len(labels), num_classes, dtype=torch.float32, device=labels.device)
    out.scatter_(1, labels.view(-1, 1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predictions = y_hat if y_hat.dim() == 1 else y_hat.argmax(dim=1)
    return float((predictions == y).sum()) / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.size(0), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    known = ~x.isnan()
    col_sum = torch.where(known, x, torch.zeros_like(x)).sum(dim=0)
    col_mean = col_sum / known.sum(dim=0).to(x.dtype)
    out = x.clone()
    out[~known] = col_mean.expand_as(x)[~known]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # (n, k, 1) * (1, k, m) → sum over k; the transpose trick keeps Rows' (n, 1, d) layout
    return (Rows(a).as_column_stack * Rows(b.T).as_row_stack).sum(dim=2)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.square().sum().sqrt()
