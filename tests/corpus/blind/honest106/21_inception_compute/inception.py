"""Inception — the linear size computed by arithmetic (ceil-mode pooling so 8×8 survives), dict of branches."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, 1)
        self.b5 = nn.ModuleDict({"reduce": nn.Conv2d(in_channels, 16, 1), "conv": nn.Conv2d(16, 24, 5, padding=2)})
        self.b3 = nn.ModuleDict({
            "reduce": nn.Conv2d(in_channels, 16, 1),
            "conv_a": nn.Conv2d(16, 24, 3, padding=1),
            "conv_b": nn.Conv2d(24, 24, 3, padding=1),
        })
        self.bp = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        y1 = self.b1(x)
        y5 = self.b5["conv"](self.b5["reduce"](x))
        y3 = self.b3["conv_b"](self.b3["conv_a"](self.b3["reduce"](x)))
        yp = self.bp(F.avg_pool2d(x, 3, 1, 1))
        return torch.cat((y1, y5, y3, yp), 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep2 = InceptionA(20)
        side = math.ceil(math.ceil(input_size / 2) / 2)
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2, ceil_mode=True))
        x = self.incep1(x)
        x = F.relu(F.max_pool2d(self.conv2(x), 2, ceil_mode=True))
        x = self.incep2(x)
        return self.fc(torch.flatten(x, 1))
