"""Inception — branches as nn.Sequential in a ModuleList, global average pooling head."""

from __future__ import annotations

from typing import List

import torch
from torch import Tensor, nn


def _conv(c_in: int, c_out: int, k: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=k, padding=k // 2)


class InceptionA(nn.Module):
    OUT_CHANNELS = 16 + 24 + 24 + 24

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList([
            _conv(in_channels, 16, 1),
            nn.Sequential(_conv(in_channels, 16, 1), _conv(16, 24, 5)),
            nn.Sequential(_conv(in_channels, 16, 1), _conv(16, 24, 3), _conv(24, 24, 3)),
            nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), _conv(in_channels, 24, 1)),
        ])

    def forward(self, x: Tensor) -> Tensor:
        outs: List[Tensor] = [branch(x) for branch in self.branches]
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output = k * k * c_in
    return int(per_output * c_out * h * w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(10),
            nn.Conv2d(InceptionA.OUT_CHANNELS, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(20),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        )
        self.input_size = input_size
        self.classifier = nn.Linear(InceptionA.OUT_CHANNELS, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))
