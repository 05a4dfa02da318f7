"""Inception, built from the factories in blocks.py; the head uses global average pooling."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from blocks import ConvReluPool, conv1x1, conv_same


class InceptionA(nn.Module):
    OUT_CHANNELS = 16 + 24 + 24 + 24

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = conv1x1(in_channels, 16)
        self.branch5x5 = nn.ModuleList([conv1x1(in_channels, 16), conv_same(16, 24, 5)])
        self.branch3x3 = nn.ModuleList([conv1x1(in_channels, 16), conv_same(16, 24, 3), conv_same(24, 24, 3)])
        self.branch_pool = conv1x1(in_channels, 24)

    @staticmethod
    def _chain(layers: nn.ModuleList, x: Tensor) -> Tensor:
        for layer in layers:
            x = layer(x)
        return x

    def forward(self, x: Tensor) -> Tensor:
        pooled = F.avg_pool2d(x, 3, 1, 1)
        parts = (self.branch1x1(x), self._chain(self.branch5x5, x), self._chain(self.branch3x3, x),
                 self.branch_pool(pooled))
        return torch.cat(parts, 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size          # kept for reference; the head does not depend on it
        self.stage1 = ConvReluPool(in_channels, 10)
        self.incep1 = InceptionA(10)
        self.stage2 = ConvReluPool(InceptionA.OUT_CHANNELS, 20)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(InceptionA.OUT_CHANNELS, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep2(self.stage2(self.incep1(self.stage1(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
