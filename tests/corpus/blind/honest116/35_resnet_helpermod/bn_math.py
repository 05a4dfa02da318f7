"""Batch statistics helpers for resnet.py (per channel, dim 1)."""
from __future__ import annotations

from torch import Tensor


def channel_view(t: Tensor, ndim: int) -> Tensor:
    """(C,) -> (1, C) or (1, C, 1, 1) to broadcast against an input of ndim dims."""
    return t.reshape((1, -1) + (1,) * (ndim - 2))


def batch_stats(x: Tensor) -> tuple[Tensor, Tensor, int]:
    """mean, biased variance (two-pass) and count per channel."""
    c = x.shape[1]
    flat = x.transpose(0, 1).reshape(c, -1)
    mean = flat.mean(dim=1)
    var = (flat - mean[:, None]).pow(2).mean(dim=1)
    return mean, var, flat.shape[1]
