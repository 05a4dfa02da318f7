"""Inception — reference solution. The specification is the docstrings in exercises/inception.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Four branches, concatenated along the channels."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, 1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, 1)
        self.branch5x5_2 = nn.Conv2d(16, 24, 5, padding=2)
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, 1)
        self.branch3x3_2 = nn.Conv2d(16, 24, 3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, 3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1x1 = self.branch1x1(x)
        b5x5 = self.branch5x5_2(self.branch5x5_1(x))
        b3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bpool = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1))
        return torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Count per output channel and position, accumulated in a loop over the (few) output channels."""
    per_position = k * k * c_in
    total = 0
    for _ in range(c_out):
        total += per_position * h * w
    return total


class GoogLeNetMini(nn.Module):
    """The lecture network as two Sequential stages; the flat size comes from a dry run in eval mode."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
                                    InceptionA(10))
        self.stage2 = nn.Sequential(nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
                                    InceptionA(20))
        probe = torch.zeros(2, in_channels, input_size, input_size)
        with torch.no_grad():
            n_flat = self.stage2(self.stage1(probe))[0].numel()
        self.fc = nn.Linear(n_flat, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.stage2(self.stage1(x)).reshape(x.shape[0], -1))
