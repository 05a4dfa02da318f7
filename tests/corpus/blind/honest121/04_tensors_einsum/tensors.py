"""Tensors — leaning on torch.einsum where the docstring allows it (not in matmul)."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.zero_()
    z.add_(x)
    z.add_(y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    inv = 1.0 / torch.einsum("nd->n", x)
    return torch.einsum("nd,n->nd", x, inv)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a[:, None, :] - b[None, :, :]
    return torch.einsum("nmd,nmd->nm", diff, diff)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device, dtype=labels.dtype)
    return torch.eq(labels[:, None], classes).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat if y_hat.ndim == 1 else y_hat.max(dim=1).indices
    # max(dim) returns the index of the first maximal value, like argmax
    return torch.eq(pred, y).to(torch.float64).mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.reshape(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    ok = x == x  # NaN is the only value not equal to itself
    w = ok.to(x.dtype)
    safe = torch.where(ok, x, torch.zeros((), dtype=x.dtype, device=x.device))
    means = torch.einsum("nd->d", safe) / torch.einsum("nd->d", w)
    return torch.where(ok, x, means)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # einsum is off limits here: broadcast and sum
    prod = a.reshape(a.shape[0], a.shape[1], 1) * b.reshape(1, b.shape[0], b.shape[1])
    return prod.sum(1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return torch.einsum("i->", flat.abs()), torch.einsum("i,i->", flat, flat).sqrt()
