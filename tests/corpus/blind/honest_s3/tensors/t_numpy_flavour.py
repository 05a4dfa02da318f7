# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Tensors, written the way a numpy user would: functions of the torch namespace, out=, axis=."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.add(x, y, out=z)           # like np.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return torch.divide(x, torch.sum(x, axis=1, keepdims=True))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    # |a|^2 - 2 a.b^T + |b|^2, clipped at zero like the numpy recipe
    aa = torch.sum(torch.square(a), axis=1)[:, None]
    bb = torch.sum(torch.square(b), axis=1)[None, :]
    ab = a @ b.T
    return torch.clamp(aa - 2.0 * ab + bb, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    eye = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return eye[labels]               # np.eye(c)[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = torch.argmax(y_hat, axis=1) if y_hat.ndim == 2 else y_hat
    return torch.mean(torch.eq(pred, y).to(torch.float64)).item()


def flatten_batch(x: Tensor) -> Tensor:
    n = x.shape[0]
    return torch.reshape(x, (n, -1))


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    mask = torch.isnan(x)
    total = torch.nansum(x, axis=0)
    count = torch.sum(torch.logical_not(mask), axis=0)
    mean = total / count
    return torch.where(mask, torch.broadcast_to(mean, x.shape), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    prod = torch.multiply(torch.unsqueeze(a, -1), torch.unsqueeze(b, 0))   # (n, k, m)
    return torch.sum(prod, axis=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = torch.ravel(x)
    return torch.sum(torch.absolute(flat)), torch.sqrt(torch.sum(torch.multiply(flat, flat)))
