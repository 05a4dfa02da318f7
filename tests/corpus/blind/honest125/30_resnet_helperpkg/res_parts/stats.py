"""Per-channel statistics for batch normalisation."""

from __future__ import annotations

import torch
from torch import Tensor


def channel_shape(x: Tensor) -> list[int]:
    """Shape that broadcasts a (C,) vector against x along dim 1."""
    return [1, x.shape[1]] + [1] * (x.dim() - 2)


def channel_stats(x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(mean, biased variance, unbiased variance) over every dim but 1, each of shape (C,)."""
    dims = [0] + list(range(2, x.dim()))
    var_b, mean = torch.var_mean(x, dim=dims, correction=0)
    var_u = torch.var(x, dim=dims, correction=1)
    return mean, var_b, var_u
