# mistake: a Python loop over the d features (breaks: vectorised by broadcasting along every dimension)
# cause: pairwise_sq_dists vectorised_public:failed
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    total = x + y  # computed first, in case z is one of the inputs
    z.copy_(total)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    out = torch.zeros(a.shape[0], b.shape[0], dtype=a.dtype, device=a.device)
    for k in range(a.shape[1]):
        out = out + (a[:, k, None] - b[None, :, k]) ** 2
    return out


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    out = torch.zeros(labels.shape[0], num_classes, device=labels.device)
    out[torch.arange(labels.shape[0], device=labels.device), labels] = 1.0
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (pred == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.pow(2).sum().sqrt()
