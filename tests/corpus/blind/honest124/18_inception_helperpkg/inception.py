"""Inception — branches built from a table in the helper package incept18; global-pooling head."""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from incept18 import BRANCHES, OUT_CHANNELS, build_branch


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleDict({name: build_branch(in_channels, steps) for name, steps in BRANCHES.items()})
        self.out_channels = OUT_CHANNELS

    def forward(self, x: Tensor) -> Tensor:
        # ModuleDict keeps insertion order: b1x1, b5x5, b3x3, bpool
        return torch.cat([branch(x) for branch in self.branches.values()], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    """conv → pool → relu → InceptionA → conv → pool → relu → InceptionA → global average → linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size          # any size ≥ 4 works: the head is a global average
        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.incep1 = InceptionA(10)
        self.stage2 = nn.Sequential(nn.Conv2d(OUT_CHANNELS, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(OUT_CHANNELS, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep2(self.stage2(self.incep1(self.stage1(x))))
        return self.fc(x.mean(dim=(2, 3)))
