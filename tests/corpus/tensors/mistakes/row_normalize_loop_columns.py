# mistake: a Python loop over the d columns (breaks: vectorised: the op count must not grow with any input dimension)
# cause: row_normalize vectorised_public:failed
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[:] = x + y
    return z


def row_normalize(x):
    totals = x.sum(dim=1)
    out = torch.empty_like(x)
    for j in range(x.shape[1]):
        out[:, j] = x[:, j] / totals
    return out


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a[:, None, :] - b[None, :, :]
    return (diff ** 2).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (pred == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.flatten(1)


def fill_nan_with_column_mean(x):
    out = x.clone()
    for j in range(x.shape[1]):
        col = x[:, j]
        missing = torch.isnan(col)
        out[missing, j] = col[~missing].mean()
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), (flat ** 2).sum() ** 0.5
