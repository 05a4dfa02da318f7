# mistake: first conv hard-coded to 1 input channel (breaks: GoogLeNetMini(in_channels, ...))
# cause: GoogLeNetMini error:channels
"""Inception exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """The three 1×1 reductions declared first, in another order, then the rest."""

    def __init__(self, in_channels):
        super().__init__()
        self.reduce3 = nn.Conv2d(in_channels, 16, 1)
        self.reduce5 = nn.Conv2d(in_channels, 16, 1)
        self.direct = nn.Conv2d(in_channels, 16, 1)
        self.pool_proj = nn.Conv2d(in_channels, 24, 1)
        self.conv5 = nn.Conv2d(16, 24, (5, 5), padding=(2, 2))
        self.conv3a = nn.Conv2d(16, 24, 3, padding="same")
        self.conv3b = nn.Conv2d(24, 24, 3, padding="same")
        self.pool = nn.AvgPool2d(kernel_size=3, stride=1, padding=1)

    def forward(self, x):
        outs = [
            self.direct(x),
            self.conv5(self.reduce5(x)),
            self.conv3b(self.conv3a(self.reduce3(x))),
            self.pool_proj(self.pool(x)),
        ]
        return torch.cat(outs, 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 10, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.block1 = InceptionA(10)
        self.mid = nn.Sequential(nn.Conv2d(88, 20, 5, padding=2), nn.MaxPool2d(2), nn.ReLU())
        self.block2 = InceptionA(20)
        self.classifier = nn.Linear(88, num_classes)

    def forward(self, x):
        x = self.block2(self.mid(self.block1(self.stem(x))))
        return self.classifier(x.mean(dim=(2, 3)))
