"""Inception — typed, branches as nn.Sequential, global-average-pooling head."""
from __future__ import annotations

from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1: nn.Module = nn.Conv2d(in_channels, 16, 1)
        self.b5: nn.Sequential = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3: nn.Sequential = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                               nn.Conv2d(24, 24, 3, padding=1))
        self.bp: nn.Sequential = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1))

    @property
    def out_channels(self) -> int:
        return 16 + 24 + 24 + 24

    def forward(self, x: Tensor) -> Tensor:
        branches: List[Tensor] = [self.b1(x), self.b5(x), self.b3(x), self.bp(x)]
        return torch.cat(branches, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output: int = k * k * c_in
    return per_output * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size: int = input_size
        self.conv1: nn.Conv2d = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1: InceptionA = InceptionA(10)
        self.conv2: nn.Conv2d = nn.Conv2d(self.incep1.out_channels, 20, kernel_size=5, padding=2)
        self.incep2: InceptionA = InceptionA(20)
        self.fc: nn.Linear = nn.Linear(self.incep2.out_channels, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = self.incep1(x)
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = self.incep2(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


if __name__ == "__main__":
    print(conv_mults(28, 28, 192, 32, 5))
    print(conv_mults(28, 28, 192, 16, 1) + conv_mults(28, 28, 16, 32, 5))
    net = GoogLeNetMini()
    print(net(torch.zeros(2, 1, 28, 28)).shape)
