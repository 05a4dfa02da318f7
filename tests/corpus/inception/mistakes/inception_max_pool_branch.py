# mistake: max pooling in the pool branch (breaks: 3×3 average pooling)
# cause: InceptionA inception_branch_structure:failed
"""Inception exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)
        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

    def forward(self, x: Tensor) -> Tensor:
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bp = self.branch_pool(F.max_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([b1, b5, b3, bp], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.block1 = InceptionA(10)
        self.mid = nn.Sequential(nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.block2 = InceptionA(20)
        self.classifier = nn.Linear(88, num_classes)

    def forward(self, x):
        x = self.block2(self.mid(self.block1(self.stem(x))))
        return self.classifier(x.mean(dim=(2, 3)))
