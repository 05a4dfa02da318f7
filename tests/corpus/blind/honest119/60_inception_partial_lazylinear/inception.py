# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Inception — GoogLeNet, Inception, 1×1 卷积.

GoogLeNet repeats one block, the Inception module: several branches look at the same input
with different kernel sizes, and their outputs are concatenated along the channel axis
(``torch.cat(..., dim=1)``: 按照通道合并). A 1×1 convolution mixes the channels at each
position (跨越不同通道相同位置的元素值使信息融合) and, used as a bottleneck before a large
kernel, cuts the number of multiplications (减少运算数量): a 5×5 convolution 192 → 32 on a
28×28 output costs 5·5·192·32·28·28 = 120,422,400 multiplications; squeezing to 16 channels
with a 1×1 first costs 1·1·192·16·28·28 + 5·5·16·32·28·28 = 12,443,648.

How your code is checked (``grade exercises/ --topic inception``): output shapes for several
input sizes, the lecture's branch structure through the shapes of the convolution weights and
the values they produce (whatever you name the layers), gradients reaching every branch, the
multiplication count, a network trained on the shipped 8×8 digits, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, 1)
        self.b2 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                nn.Conv2d(24, 24, 3, padding=1))
        self.b4 = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        pooled = nn.functional.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(pooled)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Multiplications of a k×k convolution c_in → c_out producing an h×w output: k·k·c_in·c_out·h·w.

    Bias additions are ignored. Returns an int.
    """
    raise NotImplementedError("conv_mults: one product per kernel weight, per output channel and position")


class GoogLeNetMini(nn.Module):
    """conv → pool → Inception → conv → pool → Inception → linear; the linear layer's size is
    inferred (nn.LazyLinear) by a dry run on a zero image of input_size in __init__."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep2 = InceptionA(20)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.LazyLinear(num_classes)
        with torch.no_grad():
            self(torch.zeros(1, in_channels, input_size, input_size))   # materialises fc

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(torch.relu(self.pool(self.conv1(x))))
        x = self.incep2(torch.relu(self.pool(self.conv2(x))))
        return self.fc(x.flatten(1))
