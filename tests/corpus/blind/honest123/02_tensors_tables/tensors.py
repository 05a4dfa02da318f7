"""Tensors — with lookup tables and sanity checks built when the module is imported.

Engineering style: small constant tables (identity matrices, dtype tables, class-index rows)
are computed once at import time and reused, moved to the caller's device and dtype on use.
"""

from __future__ import annotations

import functools
from typing import Final

import torch
from torch import Tensor

# ---- tables built at import -------------------------------------------------------------
FLOAT_DTYPES: Final[frozenset] = frozenset({torch.float16, torch.bfloat16, torch.float32, torch.float64})
# an identity table for one-hot rows of up to 64 classes (float32, CPU); larger sizes fall back
EYE_TABLE_SIZE: Final[int] = 64
EYE_TABLE: Final[Tensor] = torch.eye(EYE_TABLE_SIZE, dtype=torch.float32)
# class indices 0..63 as a row, used to compare labels against
CLASS_ROW: Final[Tensor] = torch.arange(EYE_TABLE_SIZE, dtype=torch.int64)


@functools.lru_cache(maxsize=32)
def class_row(num_classes: int, device: str) -> Tensor:
    """arange(num_classes) on a device, cached per (size, device)."""
    if num_classes <= EYE_TABLE_SIZE:
        return CLASS_ROW[:num_classes].to(device)
    return torch.arange(num_classes, dtype=torch.int64, device=device)


# warm the cache for the common CPU sizes at import
for size in (2, 3, 4, 10):
    class_row(size, "cpu")


def broadcast_matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a[:, :, None] * b[None, :, :]).sum(dim=1)


def loop_matmul(a: Tensor, b: Tensor) -> Tensor:
    """The definition written out element by element (used only for the import-time check)."""
    n, k = a.shape
    m = b.shape[1]
    rows = []
    for i in range(n):
        rows.append([sum(float(a[i, t]) * float(b[t, j]) for t in range(k)) for j in range(m)])
    return torch.tensor(rows, dtype=a.dtype)


# a small sanity check at import: the broadcast formula equals the definition on a tiny case
CHECK_A: Final[Tensor] = torch.arange(6, dtype=torch.float64).reshape(2, 3)
CHECK_B: Final[Tensor] = torch.arange(12, dtype=torch.float64).reshape(3, 4) - 5
assert torch.equal(broadcast_matmul(CHECK_A, CHECK_B), loop_matmul(CHECK_A, CHECK_B))


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z[...] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    return x / x.sum(dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """Rows of an identity table: exact for small class counts, a fresh eye beyond."""
    if num_classes <= EYE_TABLE_SIZE:
        table = EYE_TABLE[:num_classes, :num_classes].to(labels.device)
    else:
        table = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return table[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    predicted = y_hat.argmax(dim=1) if y_hat.dim() == 2 else y_hat
    return (predicted == y).to(torch.float64).mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    missing = torch.isnan(x)
    present = (~missing).to(x.dtype)
    means = torch.nansum(x, dim=0) / present.sum(dim=0)
    return torch.where(missing, means, x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return broadcast_matmul(a, b)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), (x * x).sum().sqrt()
