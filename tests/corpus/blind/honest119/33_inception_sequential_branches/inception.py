"""Inception — each branch an nn.Sequential; global average pooling before the classifier."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1x1 = nn.Conv2d(in_channels, 16, 1)
        self.b5x5 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3x3 = nn.Sequential(nn.Conv2d(in_channels, 16, 1),
                                  nn.Conv2d(16, 24, 3, padding=1),
                                  nn.Conv2d(24, 24, 3, padding=1))
        self.bpool = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1x1(x), self.b5x5(x), self.b3x3(x), self.bpool(x)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output = k * k * c_in            # one dot product per output element
    return per_output * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.inc1 = InceptionA(10)
        self.stage2 = nn.Sequential(nn.Conv2d(88, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.inc2 = InceptionA(20)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(88, num_classes)
        self.input_size = input_size

    def forward(self, x: Tensor) -> Tensor:
        x = self.inc2(self.stage2(self.inc1(self.stage1(x))))
        return self.fc(self.gap(x).flatten(1))
