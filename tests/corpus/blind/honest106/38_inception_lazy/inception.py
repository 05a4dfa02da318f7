"""Inception — GoogLeNetMini whose classifier size comes from conv_output_size-like arithmetic with padding, shared helper."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _pool_out(n: int) -> int:
    # MaxPool2d(2, padding=1 when odd) so that small inputs survive two poolings
    return (n + (n % 2)) // 2


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.branch3x3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                       nn.Conv2d(24, 24, 3, padding=1))
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        pooled = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.branch1x1(x), self.branch5x5(x), self.branch3x3(x), self.branch_pool(pooled)], 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    total = 1
    for factor in (k, k, c_in, c_out, h, w):
        total *= int(factor)
    return total


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        side = _pool_out(_pool_out(input_size))
        self.fc = nn.Linear(88 * side * side, num_classes)

    @staticmethod
    def _pool(x: Tensor) -> Tensor:
        pad = x.shape[-1] % 2
        return F.max_pool2d(x, 2, padding=pad) if pad else F.max_pool2d(x, 2)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(self._pool(self.conv1(x))))
        x = self.incep2(F.relu(self._pool(self.conv2(x))))
        return self.fc(x.flatten(start_dim=1))
