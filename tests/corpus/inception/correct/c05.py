# correct: InceptionA: reductions first, padding='same'; conv_mults: per output position times per position cost; GoogLeNetMini: dry run on zeros
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
    per_position = c_out * c_in * k ** 2
    return int(per_position * (h * w))


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
