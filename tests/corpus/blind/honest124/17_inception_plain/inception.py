"""Inception — branches as nn.Sequential, the classifier sized by a dry run."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5x5 = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=1),
            nn.Conv2d(16, 24, kernel_size=5, padding=2),
        )
        self.b3x3 = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=1),
            nn.Conv2d(16, 24, kernel_size=3, padding=1),
            nn.Conv2d(24, 24, kernel_size=3, padding=1),
        )
        self.bpool = nn.Sequential(
            nn.AvgPool2d(kernel_size=3, stride=1, padding=1),
            nn.Conv2d(in_channels, 24, kernel_size=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1x1(x), self.b5x5(x), self.b3x3(x), self.bpool(x)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return int(k) * int(k) * int(c_in) * int(c_out) * int(h) * int(w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        self.mp = nn.MaxPool2d(2)
        with torch.no_grad():
            n_flat = self._features(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.fc = nn.Linear(n_flat, num_classes)

    def _features(self, x: Tensor) -> Tensor:
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        return x.flatten(1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._features(x))
