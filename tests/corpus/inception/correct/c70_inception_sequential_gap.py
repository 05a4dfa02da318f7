# correct: InceptionA from nn.Sequential branches (pool branch declared first, nn.AvgPool2d); conv_mults via math.prod; GoogLeNetMini with pool-then-ReLU stages and a global-average-pooling head instead of a dry run
"""Inception — reference solution. The specification is the docstrings in exercises/inception.py."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Branches as nn.Sequential blocks, declared pool branch first; nn.AvgPool2d for the pooling."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.pool_branch = nn.Sequential(nn.AvgPool2d(kernel_size=3, stride=1, padding=1),
                                         nn.Conv2d(in_channels, 24, kernel_size=1))
        self.one = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.five = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1),
                                  nn.Conv2d(16, 24, kernel_size=5, padding=2))
        self.three = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=1),
                                   nn.Conv2d(16, 24, kernel_size=3, padding=1),
                                   nn.Conv2d(24, 24, kernel_size=3, padding=1))

    def forward(self, x: Tensor) -> Tensor:
        outputs = [self.one(x), self.five(x), self.three(x), self.pool_branch(x)]
        return torch.cat(outputs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """One product per weight and output position."""
    return math.prod((k, k, c_in, c_out, h, w))


class GoogLeNetMini(nn.Module):
    """Lecture layout with padded convs and a global-average-pooling head (no dry run needed)."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.inception1 = InceptionA(10)
        self.stage2 = nn.Sequential(nn.Conv2d(88, 20, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.inception2 = InceptionA(20)
        self.head = nn.Linear(88, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.inception1(self.stage1(x))
        x = self.inception2(self.stage2(x))
        return self.head(x.mean(dim=(2, 3)))
