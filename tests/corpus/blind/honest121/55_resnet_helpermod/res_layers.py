"""Layer factories and statistics helpers for resnet.py."""

from __future__ import annotations

from typing import Tuple

from torch import Tensor, nn


def conv3x3(c_in: int, c_out: int, stride: int = 1, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=bias)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride, bias=False)


def channel_view(x: Tensor) -> Tuple[int, ...]:
    """The shape a (C,) vector takes to broadcast over x along dim 1."""
    return (1, x.shape[1]) + (1,) * (x.dim() - 2)


def batch_moments(x: Tensor) -> Tuple[Tensor, Tensor, int]:
    """Per-channel mean and biased variance (from the deviations), and the count per channel."""
    dims = (0,) + tuple(range(2, x.dim()))
    mean = x.mean(dim=dims)
    dev = x - mean.reshape(channel_view(x))
    var = (dev * dev).mean(dim=dims)
    return mean, var, x.numel() // x.shape[1]
