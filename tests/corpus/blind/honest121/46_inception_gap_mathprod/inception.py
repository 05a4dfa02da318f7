"""Inception — branches kept in a list of (name, module); a global-average-pooling head;
conv_mults with math.prod."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, (1, 1))
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, (1, 1))
        self.branch5x5_2 = nn.Conv2d(16, 24, (5, 5), padding=(2, 2))
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, (1, 1))
        self.branch3x3_2 = nn.Conv2d(16, 24, (3, 3), padding=(1, 1))
        self.branch3x3_3 = nn.Conv2d(24, 24, (3, 3), padding=(1, 1))
        self.branch_pool = nn.Conv2d(in_channels, 24, (1, 1))
        self.pool = nn.AvgPool2d(3, 1, 1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bp = self.branch_pool(self.pool(x))
        return torch.cat((b1, b5, b3, bp), 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    """Global average pooling makes the head independent of input_size (kept for the signature)."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.input_size = input_size
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.inception1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 5, padding=2)
        self.inception2 = InceptionA(20)
        self.classifier = nn.Linear(88, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.inception1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = self.inception2(F.max_pool2d(F.relu(self.conv2(x)), 2))
        return self.classifier(F.adaptive_avg_pool2d(x, 1).flatten(1))
