"""Inception — a module-level probe instance measures the block's width at import;
GoogLeNetMini ends in global average pooling, so any input_size works."""

from __future__ import annotations

from functools import reduce
from operator import mul

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def conv(in_c: int, out_c: int, k: int) -> nn.Conv2d:
    return nn.Conv2d(in_c, out_c, kernel_size=k, padding=k // 2, bias=True)


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = conv(in_channels, 16, 1)
        self.branch5x5 = nn.Sequential(conv(in_channels, 16, 1), conv(16, 24, 5))
        self.branch3x3 = nn.Sequential(conv(in_channels, 16, 1), conv(16, 24, 3), conv(24, 24, 3))
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1)
        self.branch_pool = conv(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat(
            [self.branch1x1(x), self.branch5x5(x), self.branch3x3(x), self.branch_pool(self.pool(x))],
            dim=1,
        )


# a template instance made at import: it measures the block's output width by a dry run
PROBE = InceptionA(1)
with torch.no_grad():
    INCEPTION_WIDTH: int = PROBE(torch.zeros(1, 1, 4, 4)).shape[1]
assert INCEPTION_WIDTH == 88


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return reduce(mul, [k, k, c_in, c_out, h, w], 1)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(INCEPTION_WIDTH, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(INCEPTION_WIDTH, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = self.incep1(x)
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = self.incep2(x)
        return self.fc(x.mean(dim=(2, 3)))
