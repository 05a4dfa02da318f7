# mistake: a 1×1 conv squeezes 88 → 10 so one InceptionA can be used twice (breaks: two instances of InceptionA)
# cause: GoogLeNetMini googlenet_mini_computes_its_flatten_size:failed
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
    import math
    return math.prod([k, k, c_in, c_out, h, w])


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.conv2 = nn.Conv2d(88, 10, 5, padding=2)
        self.incep = InceptionA(10)
        self.fc = nn.Linear(88, num_classes)

    def forward(self, x):
        x = self.incep(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(x.mean(dim=(2, 3)))
