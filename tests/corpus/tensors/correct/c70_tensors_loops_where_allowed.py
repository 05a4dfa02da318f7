# correct: loops where the docstring does not ask for vectorised code: one_hot filled row by row, accuracy counted in a loop, NaN filling column by column; add_into via z.copy_(x + y)
"""Tensors — reference solution. The specification is the docstrings in exercises/tensors.py."""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y."""
    z.copy_(x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    """Broadcast the (n, 1) row sums."""
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """(n, 1, d) − (1, m, d), squared, summed over d."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Compare each label with every class index."""
    out = torch.zeros(len(labels), num_classes, dtype=torch.float32, device=labels.device)
    for i, label in enumerate(labels.tolist()):
        out[i, label] = 1.0
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax for scores, then the mean of matches."""
    correct = 0
    for i in range(len(y)):
        if y_hat.dim() == 2:
            row = y_hat[i].tolist()
            guess = row.index(max(row))
        else:
            guess = int(y_hat[i])
        correct += int(guess == int(y[i]))
    return correct / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    """Keep N, merge C·H·W."""
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Column means over the numbers, written where x is NaN."""
    out = x.clone()
    for j in range(x.shape[1]):
        col = out[:, j]
        missing = torch.isnan(col)
        col[missing] = col[~missing].mean()
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """(n, k, 1) · (1, k, m) summed over k."""
    return (a[:, :, None] * b[None, :, :]).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Σ|x| and √Σx²."""
    return x.abs().sum(), (x * x).sum().sqrt()
