# mistake: z += x + y adds to z's old values (breaks: z holds x + y)
# cause: add_into add_into_writes_in_place:values
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z, x, y):
    z += x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    inv = torch.reciprocal(torch.sum(x, dim=-1, keepdim=True))
    return x * inv


def pairwise_sq_dists(a, b):
    cross = torch.einsum("id,jd->ij", a, b)
    sq = a.pow(2).sum(-1)[:, None] + b.pow(2).sum(-1)[None, :] - 2 * cross
    return torch.clamp(sq, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    out[torch.arange(labels.shape[0], device=labels.device), labels] = 1.0
    return out


def accuracy(y_hat, y):
    preds = y_hat.argmax(1).tolist() if len(y_hat.shape) == 2 else y_hat.tolist()
    hits = 0
    for p, t in zip(preds, y.tolist()):
        hits += int(p) == int(t)
    return float(hits) / len(preds)


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
    products = torch.mul(a[:, :, None], b[None, :, :])
    return torch.sum(products, dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.pow(2).sum().sqrt()
