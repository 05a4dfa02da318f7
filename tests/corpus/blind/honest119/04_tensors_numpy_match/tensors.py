"""Tensors — with a match statement and numpy where a plain Python number comes out."""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x.div(x.sum(1).unsqueeze(1))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    # |a|^2 - 2ab + |b|^2, clamped (the docstring allows it)
    sq_a = a.pow(2).sum(1)[:, None]
    sq_b = b.pow(2).sum(1)[None, :]
    ab = (a[:, None, :] * b[None, :, :]).sum(-1)
    return torch.clamp(sq_a + sq_b - 2 * ab, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = labels.new_zeros((len(labels), num_classes), dtype=torch.float32)
    out[torch.arange(len(labels), device=labels.device), labels] = 1
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    match y_hat.dim():
        case 2:
            pred = y_hat.argmax(dim=1)
        case 1:
            pred = y_hat
        case _:
            raise ValueError("y_hat must be (n, c) scores or (n,) labels")
    hits = np.asarray((pred == y).cpu().numpy(), dtype=np.float64)
    return float(hits.mean())


def flatten_batch(x: Tensor) -> Tensor:
    n, c, h, w = x.shape
    return x.reshape(n, c * h * w)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    nan = torch.isnan(x)
    zeroed = x.masked_fill(nan, 0)
    means = zeroed.sum(dim=0) / (~nan).sum(dim=0)
    return x.masked_fill(nan, 0) + nan * means


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return torch.sum(a[..., None] * b[None], dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), flat.square().sum().sqrt()
