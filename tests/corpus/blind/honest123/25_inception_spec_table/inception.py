"""Inception — branches built from a class-level specification table."""

from __future__ import annotations

import math
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Four branches from BRANCHES; each entry is a list of (out_channels, kernel, padding)."""

    BRANCHES: ClassVar[dict[str, list[tuple[int, int, int]]]] = {
        "b1x1": [(16, 1, 0)],
        "b5x5": [(16, 1, 0), (24, 5, 2)],
        "b3x3": [(16, 1, 0), (24, 3, 1), (24, 3, 1)],
        "bpool": [(24, 1, 0)],
    }
    ORDER: ClassVar[tuple[str, ...]] = ("b1x1", "b5x5", "b3x3", "bpool")
    OUT_CHANNELS: ClassVar[int] = sum(spec[-1][0] for spec in BRANCHES.values())   # 88

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleDict()
        for name in self.ORDER:
            layers: list[nn.Module] = []
            c = in_channels
            for out_c, k, p in self.BRANCHES[name]:
                layers.append(nn.Conv2d(c, out_c, kernel_size=k, padding=p))
                c = out_c
            self.branches[name] = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for name in self.ORDER:
            inp = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1) if name == "bpool" else x
            outs.append(self.branches[name](inp))
        return torch.cat(outs, dim=1)


assert InceptionA.OUT_CHANNELS == 88


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(InceptionA.OUT_CHANNELS, 20, kernel_size=5, padding=2)
        self.incep2 = InceptionA(20)
        side = input_size // 2 // 2            # two 2×2 poolings, sizes kept by the padding
        self.fc = nn.Linear(InceptionA.OUT_CHANNELS * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = self.incep2(F.max_pool2d(F.relu(self.conv2(x)), 2))
        return self.fc(torch.flatten(x, 1))
