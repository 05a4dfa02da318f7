"""Inception — branches built from a spec table (made at import), a global-average-pooling head."""

from __future__ import annotations

import math
from typing import List, Sequence, Tuple

import torch
from torch import Tensor, nn

# (out_channels, kernel) for each convolution of a branch; "pool" marks the 3×3 average pooling.
# The order of BRANCHES is the concatenation order: 1×1, 5×5, 3×3 (double), pool.
BranchSpec = Sequence[Tuple[object, int]]
BRANCHES: List[BranchSpec] = [
    [(16, 1)],
    [(16, 1), (24, 5)],
    [(16, 1), (24, 3), (24, 3)],
    [("pool", 3), (24, 1)],
]
OUT_CHANNELS = sum(spec[-1][0] for spec in BRANCHES)          # 88, computed at import


def _branch(in_channels: int, spec: BranchSpec) -> nn.Sequential:
    layers: list[nn.Module] = []
    c = in_channels
    for out, k in spec:
        if out == "pool":
            layers.append(nn.AvgPool2d(k, stride=1, padding=k // 2))
            continue
        layers.append(nn.Conv2d(c, out, kernel_size=k, padding=k // 2))
        c = out
    return nn.Sequential(*layers)


class InceptionA(nn.Module):
    """The lecture's module; no activation inside; channels concatenated along dim 1."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList(_branch(in_channels, spec) for spec in BRANCHES)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """k·k·c_in·c_out·h·w."""
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    """Two conv/pool + Inception stages, then global average pooling and a linear layer."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size          # the head does not depend on it (global pooling)
        self.stage1 = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), InceptionA(10))
        self.stage2 = nn.Sequential(
            nn.Conv2d(OUT_CHANNELS, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), InceptionA(20))
        self.head = nn.Linear(OUT_CHANNELS, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stage2(self.stage1(x))
        return self.head(x.mean(dim=(-2, -1)))
