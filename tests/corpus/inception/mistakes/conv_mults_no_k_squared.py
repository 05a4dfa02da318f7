# mistake: forgets the kernel's k·k (breaks: k·k·c_in·c_out·h·w)
# cause: conv_mults conv_mults:failed
"""Inception exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """Each branch an nn.Sequential; the pool branch uses nn.AvgPool2d."""

    def __init__(self, in_channels):
        super().__init__()
        self.branches = nn.ModuleList([
            nn.Conv2d(in_channels, 16, 1),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                          nn.Conv2d(24, 24, 3, padding=1)),
            nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1)),
        ])

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def conv_mults(h, w, c_in, c_out, k):
    return c_in * c_out * h * w


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
