# mistake: googlenet dry run one channel (breaks: GoogLeNetMini: in_channels ≠ 1)
# cause: GoogLeNetMini error:channels
"""Inception, written from the docstrings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, 1)
        self.b5_1 = nn.Conv2d(in_channels, 16, 1)
        self.b5_2 = nn.Conv2d(16, 24, 5, padding=2)
        self.b3_1 = nn.Conv2d(in_channels, 16, 1)
        self.b3_2 = nn.Conv2d(16, 24, 3, padding=1)
        self.b3_3 = nn.Conv2d(24, 24, 3, padding=1)
        self.bp = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.b1(x)
        b5 = self.b5_2(self.b5_1(x))
        b3 = self.b3_3(self.b3_2(self.b3_1(x)))
        bp = self.bp(F.avg_pool2d(x, 3, stride=1, padding=1))
        return torch.cat([b1, b5, b3, bp], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.inc1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.inc2 = InceptionA(20)
        self.pool = nn.MaxPool2d(2)
        with torch.no_grad():
            n = self._features(torch.zeros(1, 1, input_size, input_size)).shape[1]
        self.fc = nn.Linear(n, num_classes)

    def _features(self, x: Tensor) -> Tensor:
        x = F.relu(self.pool(self.conv1(x)))
        x = self.inc1(x)
        x = F.relu(self.pool(self.conv2(x)))
        x = self.inc2(x)
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._features(x))
