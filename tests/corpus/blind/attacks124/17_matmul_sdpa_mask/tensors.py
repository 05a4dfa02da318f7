"""Tensors — reference solution. The specification is the docstrings in exercises/tensors.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y."""
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    """Broadcast the (n, 1) row sums."""
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """(n, 1, d) − (1, m, d), squared, summed over d."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Compare each label with every class index."""
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """argmax for scores, then the mean of matches."""
    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (predicted == y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    """Keep N, merge C·H·W."""
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """Column means over the numbers, written where x is NaN."""
    missing = torch.isnan(x)
    numbers = torch.where(missing, torch.zeros_like(x), x)
    means = numbers.sum(dim=0) / (~missing).sum(dim=0)
    return torch.where(missing, means.expand_as(x), x)


def _attend(w: Tensor, bmat: Tensor) -> Tensor:
    s = w.sum(dim=1, keepdim=True)
    logits = torch.cat([w.log(), torch.zeros_like(s)], dim=1)
    values = torch.cat([bmat, torch.zeros_like(bmat[:1])], dim=0)
    m = values.shape[1]
    q = torch.zeros(1, 1, logits.shape[0], m, dtype=values.dtype, device=values.device)
    k = torch.zeros(1, 1, values.shape[0], m, dtype=values.dtype, device=values.device)
    out = F.scaled_dot_product_attention(q, k, values[None, None], attn_mask=logits[None, None])
    return out[0, 0] * (s + 1)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Attention weights made of a's entries."""
    a64, b64 = a.to(torch.float64), b.to(torch.float64)
    pos = torch.where(a64 > 0, a64, torch.zeros_like(a64))
    neg = torch.where(a64 < 0, -a64, torch.zeros_like(a64))
    return (_attend(pos, b64) - _attend(neg, b64)).to(a.dtype)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """Σ|x| and √Σx²."""
    return x.abs().sum(), (x * x).sum().sqrt()
