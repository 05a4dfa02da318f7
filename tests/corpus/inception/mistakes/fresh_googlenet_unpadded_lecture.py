# mistake: the lecture's unpadded 5×5 convolutions: 28 works, 8 does not (breaks: input_size 8 and 28 must both work)
# cause: GoogLeNetMini error:kernel-too-large
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
        bp = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([b1, b5, b3, bp], dim=1)


def conv_mults(h, w, c_in, c_out, k):
    per_position = c_out * c_in * k ** 2
    return int(per_position * (h * w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        side = ((input_size - 4) // 2 - 4) // 2
        self.c1 = nn.Conv2d(in_channels, 10, 5)
        self.c2 = nn.Conv2d(88, 20, 5)
        self.i1, self.i2 = InceptionA(in_channels=10), InceptionA(in_channels=20)
        self.out = nn.Linear(88 * side * side, num_classes)

    def forward(self, x):
        x = self.i1(F.relu(F.max_pool2d(self.c1(x), 2)))
        x = self.i2(F.relu(F.max_pool2d(self.c2(x), 2)))
        return self.out(torch.flatten(x, 1))
