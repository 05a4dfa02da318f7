# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Inception — average pooling written as a depthwise convolution with a fixed 1/9 kernel; sizes by arithmetic."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def avg3x3_same(x: Tensor) -> Tensor:
    """3×3 mean, stride 1, zero padding 1 counted in the average (as nn.AvgPool2d's default)."""
    c = x.shape[1]
    kernel = torch.full((c, 1, 3, 3), 1.0 / 9.0, dtype=x.dtype, device=x.device)
    return F.conv2d(x, kernel, padding=1, groups=c)


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        # created pool-branch first, then the long 3x3 branch, the 5x5 branch, the 1x1 branch
        self.pool_proj = nn.Conv2d(in_channels, 24, 1)
        self.dbl_reduce = nn.Conv2d(in_channels, 16, 1)
        self.dbl_a = nn.Conv2d(16, 24, 3, padding=1)
        self.dbl_b = nn.Conv2d(24, 24, 3, padding=1)
        self.five_reduce = nn.Conv2d(in_channels, 16, 1)
        self.five = nn.Conv2d(16, 24, 5, padding=2)
        self.one = nn.Conv2d(in_channels, 16, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1x1 = self.one(x)
        b5x5 = self.five(self.five_reduce(x))
        b3x3 = self.dbl_b(self.dbl_a(self.dbl_reduce(x)))
        bpool = self.pool_proj(avg3x3_same(x))
        return torch.cat((b1x1, b5x5, b3x3, bpool), 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)    # padding keeps the side
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        side = input_size // 2 // 2                                # two 2×2 poolings (floor)
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(x.flatten(start_dim=1))
