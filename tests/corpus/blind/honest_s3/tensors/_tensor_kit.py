"""Small helpers shared by the tensors exercises (a learner's own utility file)."""

from __future__ import annotations

import torch
from torch import Tensor


class Kit:
    """Broadcasting helpers as static methods."""

    @staticmethod
    def col(v: Tensor) -> Tensor:
        """(n,) -> (n, 1)."""
        return v.reshape(-1, 1)

    @staticmethod
    def row(v: Tensor) -> Tensor:
        """(n,) -> (1, n)."""
        return v.reshape(1, -1)

    @staticmethod
    def outer_combine(a: Tensor, b: Tensor) -> Tensor:
        """(n, d), (m, d) -> (n, m, d) differences."""
        return a[:, None, :] - b[None, :, :]

    @staticmethod
    def sum_sq(t: Tensor, dim=None) -> Tensor:
        sq = t * t
        return sq.sum() if dim is None else sq.sum(dim=dim)


def check_2d(*ts: Tensor) -> None:
    for t in ts:   # loop over the arguments, not over data
        if t.dim() != 2:
            raise ValueError(f"expected a 2-D tensor, got shape {tuple(t.shape)}")
