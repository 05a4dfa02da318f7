"""Per-channel broadcasting helpers for batch normalisation."""

from __future__ import annotations

from typing import List, Tuple

from torch import Tensor


def channel_view(t: Tensor, ndim: int) -> Tensor:
    """A (C,) tensor shaped (1, C, 1, ...) to broadcast against an ndim-dimensional input."""
    return t.reshape([1, -1] + [1] * (ndim - 2))


def reduce_dims(ndim: int) -> List[int]:
    return [0] + list(range(2, ndim))


def batch_stats(x: Tensor) -> Tuple[Tensor, Tensor, int]:
    dims = reduce_dims(x.dim())
    mean = x.mean(dim=dims)
    centered = x - channel_view(mean, x.dim())
    var = centered.pow(2).mean(dim=dims)
    count = x.numel() // x.shape[1]
    return mean, var, count
