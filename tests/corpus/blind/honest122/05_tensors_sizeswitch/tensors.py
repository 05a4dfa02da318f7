"""Tensors with size switches: one vectorised formula for small inputs, another for large ones."""

from __future__ import annotations

import torch
from torch import Tensor

SMALL = 4096  # elements of the (n, m, d) broadcast beyond which we use the expansion


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(torch.add(x, y))
    return z


def row_normalize(x: Tensor) -> Tensor:
    s = x.sum(dim=1, keepdim=True)
    return x.div(s)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    n, d = a.shape
    m = b.shape[0]
    if n * m * d <= SMALL:
        return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
    # expansion |a|^2 - 2 a.b + |b|^2 (a matrix product is allowed here)
    aa = (a * a).sum(1, keepdim=True)
    bb = (b * b).sum(1, keepdim=True).T
    ab = a @ b.T
    return (aa + bb - 2 * ab).clamp(min=0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = labels.new_zeros((labels.numel(), num_classes), dtype=torch.float32)
    return out.index_put_((torch.arange(labels.numel(), device=labels.device), labels),
                          torch.ones((), dtype=torch.float32, device=labels.device))


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(1) if y_hat.dim() == 2 else y_hat
    return (pred == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.flatten(1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    return torch.where(x.isnan(), x.nanmean(dim=0), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    n, k = a.shape
    m = b.shape[1]
    if n * k * m <= SMALL:
        return (a[:, :, None] * b[None, :, :]).sum(1)
    # large: put k first so the reduction runs over the leading axis
    return (a.T[:, :, None] * b[:, None, :]).sum(0)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), flat.pow(2).sum().pow(0.5)
