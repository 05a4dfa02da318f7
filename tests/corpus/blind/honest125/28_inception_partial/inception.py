"""Inception — partial: the Inception module and the multiplication count; the network is still a stub."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Branch outputs concatenated in the order 1×1, 5×5, 3×3, pool."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, 1)
        self.branch5x5 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.branch3x3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                       nn.Conv2d(24, 24, 3, padding=1))
        self.branch_pool = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1))

    def forward(self, x: Tensor) -> Tensor:
        parts = (self.branch1x1(x), self.branch5x5(x), self.branch3x3(x), self.branch_pool(x))
        return torch.cat(parts, 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Products per output element (k²·c_in) times the number of output elements (c_out·h·w)."""
    per_output = k * k * c_in
    outputs = c_out * h * w
    return per_output * outputs


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        raise NotImplementedError("GoogLeNetMini: conv, pool, InceptionA, conv, pool, InceptionA, linear")
