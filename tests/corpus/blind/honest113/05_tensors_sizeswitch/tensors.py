"""Tensors with a size switch: broadcasting for small inputs, the norm expansion for large."""
from __future__ import annotations

import functools

import torch
from torch import Tensor

SMALL = 4096  # elements of the (n, m, d) intermediate we are happy to materialise


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x
    z += y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x.div(x.sum(1).unsqueeze(1))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    n, m, d = a.shape[0], b.shape[0], a.shape[1]
    if n * m * d <= SMALL:
        return ((a[:, None] - b[None]) ** 2).sum(-1)
    # large: |a|^2 + |b|^2 - 2 a.b, the cross term chunked over d is still a broadcast
    aa = (a ** 2).sum(1, keepdim=True)
    bb = (b ** 2).sum(1)[None, :]
    ab = (a[:, None, :] * b[None, :, :]).sum(-1)
    return torch.clamp(aa + bb - 2 * ab, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return (labels[:, None] == torch.arange(num_classes, device=labels.device)[None, :]).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat if y_hat.dim() == 1 else y_hat.max(dim=1).indices
    return (pred == y).double().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(-1, functools.reduce(lambda p, q: p * q, x.shape[1:], 1))


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(x == x, x, means)  # NaN is the only value unequal to itself


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.sum(a[..., None] * b[None, ...], dim=-2)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    s = x.abs()
    return s.sum(), torch.sqrt(torch.sum(s * s))
