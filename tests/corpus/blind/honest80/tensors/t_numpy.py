"""Tensors — numpy-minded: I think in np.newaxis and keepdims."""
from __future__ import annotations

import numpy as np
import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    assert (x >= 0).all().item(), "row_normalize expects non-negative entries"
    return x / x.sum(1)[:, np.newaxis]


def pairwise_sq_dists(a: Tensor, b: Tensor | None = None) -> Tensor:
    if b is None:
        return pairwise_sq_dists(a, a)
    return ((a[:, np.newaxis, :] - b[np.newaxis, :, :]) ** 2).sum(-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    eye = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return eye[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(1) if y_hat.ndim == 2 else y_hat
    return (pred == y).double().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    n = x.shape[0]
    return x.view(n, int(np.prod(x.shape[1:])))


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    out = x.clone()
    col_means = torch.nanmean(x, dim=0)
    rows, cols = torch.nonzero(torch.isnan(x), as_tuple=True)
    out[rows, cols] = col_means[cols]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a[:, :, np.newaxis] * b[np.newaxis, :, :]).sum(1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), flat.pow(2).sum().sqrt()
