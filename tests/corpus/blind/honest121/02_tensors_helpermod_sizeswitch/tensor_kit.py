"""Small broadcasting helpers shared by tensors.py (a helper module beside it)."""

from __future__ import annotations

from torch import Tensor

# Above this many (n·m·d) elements the broadcast difference tensor gets big, so the
# expansion |a|² − 2·a·bᵀ + |b|² is used instead. Both are vectorised.
BIG = 1 << 16


def as_column(v: Tensor) -> Tensor:
    """(n,) → (n, 1)."""
    return v.reshape(-1, 1)


def as_row(v: Tensor) -> Tensor:
    """(m,) → (1, m)."""
    return v.reshape(1, -1)


def outer_sum(a: Tensor, b: Tensor) -> Tensor:
    """(n, k) and (k, m) → Σₖ a[i, k]·b[k, j] by broadcasting (n, k, 1)·(1, k, m)."""
    return (a[:, :, None] * b[None, :, :]).sum(dim=1)


def squared_row_norms(a: Tensor) -> Tensor:
    return (a * a).sum(dim=1)
