"""Tensors — typed, documented, with a demo block."""
from __future__ import annotations

from typing import Tuple

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y keeps Z's memory (d2l 2.1.6)."""
    before = id(z)
    z[:] = x + y
    assert id(z) == before
    return z


def row_normalize(x: "Tensor") -> "Tensor":
    totals: Tensor = torch.sum(x, dim=1, keepdim=True)
    return torch.div(x, totals)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    n, d = a.shape
    m, _ = b.shape
    a3 = a.reshape(n, 1, d).expand(n, m, d)
    b3 = b.reshape(1, m, d).expand(n, m, d)
    return torch.square(a3 - b3).sum(dim=2)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    eye = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return eye[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predicted: Tensor = y_hat.argmax(1) if y_hat.dim() > 1 else y_hat
    correct: int = int((predicted == y).sum())
    return correct / y.shape[0]


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.view(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    is_nan: Tensor = x.isnan()
    counts: Tensor = (~is_nan).to(x.dtype).sum(dim=0, keepdim=True)
    sums: Tensor = torch.nansum(x, dim=0, keepdim=True)
    means = sums / counts
    result = x.clone()
    result[is_nan] = means.expand_as(x)[is_nan]
    return result


def matmul(a: Tensor, b: Tensor) -> Tensor:
    n, k = a.shape
    k2, m = b.shape
    assert k == k2, "inner dimensions differ"
    return (a.reshape(n, k, 1) * b.reshape(1, k, m)).sum(dim=1)


def norms(x: Tensor) -> Tuple[Tensor, Tensor]:
    l1: Tensor = x.abs().sum()
    l2: Tensor = (x * x).sum().sqrt()
    return l1, l2


if __name__ == "__main__":
    x = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    print(row_normalize(x + 1))
    print(matmul(x, x.T))
    print(norms(x))
    print(one_hot(torch.tensor([0, 2, 1]), 3))
