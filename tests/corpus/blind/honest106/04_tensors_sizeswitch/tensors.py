"""Tensors — with a size switch: broadcasting for small inputs, the |a|²−2ab+|b|² expansion for large ones."""

from __future__ import annotations

import functools
import math  # noqa: F401

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor

SMALL = 64 * 64 * 16   # elements of the (n, m, d) difference tensor we accept to build


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x
    z += y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / x.sum(1, keepdim=True)


def _broadcast_dists(a: Tensor, b: Tensor) -> Tensor:
    return ((a[:, None] - b[None]) ** 2).sum(-1)


def _expanded_dists(a: Tensor, b: Tensor) -> Tensor:
    cross = matmul(a, b.T)
    return ((a ** 2).sum(1)[:, None] - 2 * cross + (b ** 2).sum(1)[None, :]).clamp_min(0)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    if a.shape[0] * b.shape[0] * a.shape[1] <= SMALL:
        return _broadcast_dists(a, b)
    return _expanded_dists(a, b)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    return (labels.unsqueeze(1) == torch.arange(num_classes, device=labels.device)).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(1) if y_hat.ndim == 2 else y_hat
    return (pred == y).sum().item() / y.shape[0]


def flatten_batch(x: Tensor) -> Tensor:
    n = x.shape[0]
    features = functools.reduce(lambda p, q: p * q, x.shape[1:], 1)
    return x.reshape(n, features)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    out = x.clone()
    mask = torch.isnan(out)
    out[mask] = 0
    means = out.sum(dim=0) / (~mask).sum(dim=0)
    out[mask] = means.repeat(x.shape[0], 1)[mask]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a[..., None] * b[None, ...]).sum(dim=-2)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat * flat).sum() ** 0.5
