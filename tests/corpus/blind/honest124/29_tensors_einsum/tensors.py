"""Tensors — einsum where it is allowed, broadcasting where it is not, a cached eye table."""

from __future__ import annotations

import functools

import torch
from torch import Tensor


@functools.lru_cache(maxsize=32)
def _eye(num_classes: int, device: str) -> Tensor:
    return torch.eye(num_classes, dtype=torch.float32, device=device)


_eye(10, "cpu")     # warm the most common table at import


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x
    z += y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / torch.einsum("nd->n", x).unsqueeze(1)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    diff = a.unsqueeze(1) - b.unsqueeze(0)               # (n, m, d)
    return torch.einsum("nmd,nmd->nm", diff, diff)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    table = _eye(num_classes, str(labels.device))
    return table[labels].clone()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.ndim == 2:
        y_hat = torch.argmax(y_hat, dim=1)
    return torch.eq(y_hat, y).float().mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    n = x.shape[0]
    return x.view(n, -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    nan = torch.isnan(x)
    counts = (~nan).sum(dim=0).to(x.dtype)
    means = torch.nansum(x, dim=0) / counts
    out = x.clone()
    out[nan] = means.expand_as(x)[nan]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # einsum is off limits here: broadcast (n, k, 1) against (1, k, m) and sum over k
    return torch.sum(a[..., None] * b[None, ...], dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    flat = x.reshape(-1)
    return flat.abs().sum(), torch.sqrt(torch.einsum("i,i->", flat, flat))
