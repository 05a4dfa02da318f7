# correct: InceptionA: ModuleList of Sequential branches; conv_mults: product; GoogLeNetMini: flatten size by the formula
"""Inception exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Each branch an nn.Sequential; the pool branch uses nn.AvgPool2d."""

    def __init__(self, in_channels):
        super().__init__()
        self.branches = nn.ModuleList([
            nn.Conv2d(in_channels, 16, 1),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                          nn.Conv2d(24, 24, 3, padding=1)),
            nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1)),
        ])

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        side = input_size // 2 // 2          # two 2×2 poolings; the padded convs keep the size
        self.c1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.c2 = nn.Conv2d(88, 20, 5, padding=2)
        self.i1, self.i2 = InceptionA(in_channels=10), InceptionA(in_channels=20)
        self.out = nn.Linear(88 * side * side, num_classes)

    def forward(self, x):
        x = self.i1(F.relu(F.max_pool2d(self.c1(x), 2)))
        x = self.i2(F.relu(F.max_pool2d(self.c2(x), 2)))
        return self.out(torch.flatten(x, 1))
