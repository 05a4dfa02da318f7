"""Inception — the lecture's InceptionA and GoogLeNet-mini, with the linear size found by a dry run."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Four branches concatenated as [1×1, 5×5, 3×3-double, pool] → 88 channels."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5_reduce = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        self.b3_reduce = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b3_a = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.b3_b = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        self.bp = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        out1 = self.b1(x)
        out5 = self.b5(self.b5_reduce(x))
        out3 = self.b3_b(self.b3_a(self.b3_reduce(x)))
        outp = self.bp(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([out1, out5, out3, outp], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """One multiplication per kernel weight, output channel and output position."""
    return int(k) * int(k) * int(c_in) * int(c_out) * int(h) * int(w)


class GoogLeNetMini(nn.Module):
    """conv5 → pool → InceptionA → conv5 → pool → InceptionA → linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(in_channels=10)
        self.incep2 = InceptionA(in_channels=20)
        self.mp = nn.MaxPool2d(2)
        with torch.no_grad():
            dummy = torch.zeros(1, in_channels, input_size, input_size)
            n_flat = self._features(dummy).shape[1]
        self.fc = nn.Linear(n_flat, num_classes)

    def _features(self, x: Tensor) -> Tensor:
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        return x.reshape(x.shape[0], -1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._features(x))
