# correct: linear size by arithmetic, branches in a ModuleDict (held back: written before the suites' edge inputs)
"""Inception, written from the docstrings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.convs = nn.ModuleDict({
            "one": nn.Conv2d(in_channels, 16, 1), "five_in": nn.Conv2d(in_channels, 16, 1),
            "five": nn.Conv2d(16, 24, 5, padding=2), "three_in": nn.Conv2d(in_channels, 16, 1),
            "three_a": nn.Conv2d(16, 24, 3, padding=1), "three_b": nn.Conv2d(24, 24, 3, padding=1),
            "pool": nn.Conv2d(in_channels, 24, 1),
        })

    def forward(self, x: Tensor) -> Tensor:
        c = self.convs
        b1 = c["one"](x)
        b5 = c["five"](c["five_in"](x))
        b3 = c["three_b"](c["three_a"](c["three_in"](x)))
        bp = c["pool"](nn.functional.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([b1, b5, b3, bp], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return int(k) ** 2 * c_in * c_out * (h * w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.inc1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.inc2 = InceptionA(20)
        self.pool = nn.MaxPool2d(2)
        n = 88 * (input_size // 4) ** 2
        self.fc = nn.Linear(n, num_classes)

    def _features(self, x: Tensor) -> Tensor:
        x = F.relu(self.pool(self.conv1(x)))
        x = self.inc1(x)
        x = F.relu(self.pool(self.conv2(x)))
        x = self.inc2(x)
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._features(x))
