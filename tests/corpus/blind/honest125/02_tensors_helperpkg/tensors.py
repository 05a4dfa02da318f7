"""Tensors — implemented on top of a small helper package, `tensor_kit`."""

from __future__ import annotations

import torch
from torch import Tensor

try:
    from .tensor_kit import REDUCERS, broadcast_product, masked_mean, row_dot
except ImportError:  # loaded as a top-level module
    from tensor_kit import REDUCERS, broadcast_product, masked_mean, row_dot


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y, the notes' way of saving memory."""
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    """x / row sums, broadcast as a column."""
    return torch.div(x, torch.sum(x, 1, keepdim=True))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """|a|² + |b|² − 2⟨a, b⟩ with the products written out, clamped at 0."""
    aa = (a * a).sum(dim=1, keepdim=True)          # (n, 1)
    bb = (b * b).sum(dim=1).unsqueeze(0)            # (1, m)
    d = aa + bb - 2.0 * row_dot(a, b)
    return d.clamp(min=0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """scatter a 1 into each row of a zero matrix that this function made."""
    out = labels.new_zeros((labels.shape[0], num_classes), dtype=torch.float32)
    out.scatter_(1, labels.reshape(-1, 1), 1.0)
    return out


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """Fraction of matching labels as a Python float."""
    pred = y_hat if y_hat.ndim == 1 else torch.argmax(y_hat, dim=1)
    return torch.eq(pred, y).to(torch.float64).mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    """Keep the batch axis, merge the others (N = 1 too)."""
    return torch.flatten(x, start_dim=1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """A masked column mean, written where the entries are NaN."""
    keep = ~torch.isnan(x)
    means = masked_mean(x, keep, dim=0)
    return torch.where(keep, x, means.expand_as(x))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Broadcast and sum (see tensor_kit.products)."""
    return broadcast_product(a, b)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Both norms from the registry built at import time."""
    return REDUCERS["l1"](x), REDUCERS["l2"](x)
