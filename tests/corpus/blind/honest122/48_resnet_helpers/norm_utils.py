"""Helpers for batch normalisation: per-channel statistics with the channel axis moved last."""

from __future__ import annotations

from typing import Tuple

import torch
from torch import Tensor


def channels_last_2d(x: Tensor) -> Tensor:
    """(N, C) or (N, C, H, W) -> (M, C) rows, one per sample position."""
    if x.dim() == 2:
        return x
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def from_channels_last(rows: Tensor, like: Tensor) -> Tensor:
    if like.dim() == 2:
        return rows
    n, c, h, w = like.shape
    return rows.reshape(n, h, w, c).movedim(-1, 1)


def batch_stats(rows: Tensor) -> Tuple[Tensor, Tensor, int]:
    """Mean and biased variance of every column (two passes: deviations first)."""
    m = rows.shape[0]
    mean = rows.sum(0) / m
    dev = rows - mean
    var = (dev * dev).sum(0) / m
    return mean, var, m


@torch.no_grad()
def update_running(running: Tensor, value: Tensor, momentum: float) -> None:
    running.lerp_(value.to(running.dtype), momentum)
