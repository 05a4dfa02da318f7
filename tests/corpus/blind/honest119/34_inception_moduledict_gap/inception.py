"""Inception — branches held in an nn.ModuleDict, order fixed by a tuple of names."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

BRANCH_ORDER = ("b1x1", "b5x5", "b3x3", "bpool")


class InceptionA(nn.Module):
    out_channels = 16 + 24 + 24 + 24

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        conv = nn.Conv2d
        self.branches = nn.ModuleDict({
            "b1x1": conv(in_channels, 16, kernel_size=1),
            "b5x5": nn.Sequential(conv(in_channels, 16, kernel_size=1), conv(16, 24, kernel_size=5, padding=2)),
            "b3x3": nn.Sequential(conv(in_channels, 16, kernel_size=1), conv(16, 24, kernel_size=3, padding=1),
                                  conv(24, 24, kernel_size=3, padding=1)),
            "bpool": conv(in_channels, 24, kernel_size=1),
        })

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for name in BRANCH_ORDER:
            inp = F.avg_pool2d(x, 3, 1, 1) if name == "bpool" else x
            outs.append(self.branches[name](inp))
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(InceptionA.out_channels, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        side = input_size
        for _ in range(2):
            side = side // 2            # conv keeps the size (padding 2), pooling halves it
        self.fc = nn.Linear(InceptionA.out_channels * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = self.incep2(F.max_pool2d(F.relu(self.conv2(x)), 2))
        return self.fc(torch.flatten(x, start_dim=1))
