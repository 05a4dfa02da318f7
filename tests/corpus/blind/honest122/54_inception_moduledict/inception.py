"""Inception with the branches in an nn.ModuleDict and a global-average-pooling head."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

BRANCH_ORDER = ("b1x1", "b5x5", "b3x3", "bpool")


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleDict({
            "b1x1": nn.ModuleList([nn.Conv2d(in_channels, 16, 1)]),
            "b5x5": nn.ModuleList([nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)]),
            "b3x3": nn.ModuleList([nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                   nn.Conv2d(24, 24, 3, padding=1)]),
            "bpool": nn.ModuleList([nn.Conv2d(in_channels, 24, 1)]),
        })

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for name in BRANCH_ORDER:
            h = F.avg_pool2d(x, 3, stride=1, padding=1) if name == "bpool" else x
            for conv in self.branches[name]:
                h = conv(h)
            outs.append(h)
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(88, num_classes)        # global average pooling: independent of input_size

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = self.incep1(x)
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = self.incep2(x)
        return self.fc(x.mean(dim=(-2, -1)))
