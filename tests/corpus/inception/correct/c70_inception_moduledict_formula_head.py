# correct: InceptionA convolutions in an nn.ModuleDict, pooling via nn.functional.avg_pool2d with count_include_pad spelled out; GoogLeNetMini sizing the linear layer by the formula 88·(input_size // 4)² instead of a dry run
"""Inception — reference solution. The specification is the docstrings in exercises/inception.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Convolutions kept in a ModuleDict keyed by branch."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.convs = nn.ModuleDict({
            "b1": nn.Conv2d(in_channels, 16, 1),
            "b5_reduce": nn.Conv2d(in_channels, 16, 1), "b5": nn.Conv2d(16, 24, 5, padding=2),
            "b3_reduce": nn.Conv2d(in_channels, 16, 1), "b3_a": nn.Conv2d(16, 24, 3, padding=1),
            "b3_b": nn.Conv2d(24, 24, 3, padding=1),
            "pool_proj": nn.Conv2d(in_channels, 24, 1),
        })

    def forward(self, x: Tensor) -> Tensor:
        c = self.convs
        pooled = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=True)
        return torch.cat([c["b1"](x), c["b5"](c["b5_reduce"](x)), c["b3_b"](c["b3_a"](c["b3_reduce"](x))),
                          c["pool_proj"](pooled)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """k·k·c_in·c_out·h·w."""
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    """conv-pool-inception twice; the linear size comes from a dry run."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        side = input_size // 2 // 2           # padded 5×5 convs keep the size; two 2×2 poolings
        self.fc = nn.Linear(88 * side * side, num_classes)

    def features(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x))
