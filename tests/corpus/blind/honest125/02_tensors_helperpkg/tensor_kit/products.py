"""Products written out with broadcasting and sums (no product routine)."""

from __future__ import annotations

import torch
from torch import Tensor


def broadcast_product(a: Tensor, b: Tensor) -> Tensor:
    """C[i, j] = Σ_k a[i, k]·b[k, j] by (n, k, 1)·(1, k, m) and a sum over k."""
    return torch.mul(a[:, :, None], b[None, :, :]).sum(dim=1)


def row_dot(a: Tensor, b: Tensor) -> Tensor:
    """⟨a_i, b_j⟩ for every pair of rows: (n, 1, d)·(1, m, d) summed over d."""
    return torch.einsum("id,jd->ij", a, b)
