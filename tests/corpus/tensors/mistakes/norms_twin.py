# mistake: torch.linalg.vector_norm (breaks: off limits: torch.linalg.vector_norm)
# cause: norms twin
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z, x, y):
    torch.add(x, y, out=z)
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_dists(a, b):
    cross = torch.einsum("id,jd->ij", a, b)
    sq = a.pow(2).sum(-1)[:, None] + b.pow(2).sum(-1)[None, :] - 2 * cross
    return torch.clamp(sq, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).to(torch.float32)


def accuracy(y_hat, y):
    if y_hat.ndim > 1:
        y_hat = torch.argmax(y_hat, dim=1)
    correct = (y_hat.to(y.dtype) == y).sum().item()
    return correct / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)


def matmul(a, b):
    return (a[:, None, :] * b.t()[None, :, :]).sum(-1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return torch.linalg.vector_norm(x, 1), torch.linalg.vector_norm(x, 2)
