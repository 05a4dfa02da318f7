# mistake: returns a float (breaks: returns an int)
# cause: conv_mults conv_mults:failed
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


def conv_mults(h, w, c_in, c_out, k):
    return float(k * k * c_in * c_out * h * w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels=1, num_classes=10, input_size=28):
        super().__init__()
        side = input_size // 2 // 2          # two 2×2 poolings; the padded convs keep the size
        self.c1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.c2 = nn.Conv2d(88, 20, 5, padding=2)
        self.i1, self.i2 = InceptionA(in_channels=10), InceptionA(in_channels=20)
        self.out = nn.Linear(88 * side * side, num_classes)

    def forward(self, x):
        x = self.i1(F.relu(F.max_pool2d(self.c1(x), 2)))
        x = self.i2(F.relu(F.max_pool2d(self.c2(x), 2)))
        return self.out(torch.flatten(x, 1))
