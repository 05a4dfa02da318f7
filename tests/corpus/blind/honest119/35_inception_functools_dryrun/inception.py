"""Inception — functools.partial for the convolutions, a dry run under torch.no_grad() for the linear size."""

from __future__ import annotations

import functools
import operator

import torch
import torch.nn.functional as F
from torch import Tensor, nn

conv1x1 = functools.partial(nn.Conv2d, kernel_size=1)


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.p1 = conv1x1(in_channels, 16)
        self.p2_reduce = conv1x1(in_channels, 16)
        self.p2_conv = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        self.p3_reduce = conv1x1(in_channels, 16)
        self.p3_conv_a = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.p3_conv_b = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        self.p4_proj = conv1x1(in_channels, 24)

    def forward(self, x: Tensor) -> Tensor:
        p1 = self.p1(x)
        p2 = self.p2_conv(self.p2_reduce(x))
        p3 = self.p3_conv_b(self.p3_conv_a(self.p3_reduce(x)))
        p4 = self.p4_proj(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat((p1, p2, p3, p4), 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return functools.reduce(operator.mul, [k, k, c_in, c_out, h, w], 1)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.pre = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.block1 = InceptionA(10)
        self.mid = nn.Conv2d(88, 20, 5, padding=2)
        self.block2 = InceptionA(20)
        with torch.no_grad():
            n_flat = self._features(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.out = nn.Linear(n_flat, num_classes)

    def _features(self, x: Tensor) -> Tensor:
        x = self.block1(F.relu(F.max_pool2d(self.pre(x), 2)))
        x = self.block2(F.relu(F.max_pool2d(self.mid(x), 2)))
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.out(self._features(x))
