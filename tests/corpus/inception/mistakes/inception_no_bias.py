# mistake: convolutions without bias (breaks: all convolutions have a bias)
# cause: InceptionA inception_branch_structure:failed
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
            nn.Conv2d(in_channels, 16, 1, bias=False),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)),
            nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                          nn.Conv2d(24, 24, 3, padding=1)),
            nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1)),
        ])

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        self.mp = nn.MaxPool2d(2)
        with torch.no_grad():
            n_flat = self._features(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.fc = nn.Linear(n_flat, num_classes)

    def _features(self, x):
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        return self.incep2(x)

    def forward(self, x):
        x = self._features(x)
        return self.fc(x.view(x.size(0), -1))
