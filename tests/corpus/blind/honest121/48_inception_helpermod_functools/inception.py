"""Inception — layers built through a helper module (conv_factory) of functools.partial factories."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from conv_factory import chain, conv1x1, conv3x3, conv5x5


class InceptionA(nn.Module):
    OUT_CHANNELS = 16 + 24 + 24 + 24

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.one = conv1x1(in_channels, 16)
        self.five = chain(conv1x1(in_channels, 16), conv5x5(16, 24))
        self.three = chain(conv1x1(in_channels, 16), conv3x3(16, 24), conv3x3(24, 24))
        self.pool_proj = conv1x1(in_channels, 24)

    def forward(self, x: Tensor) -> Tensor:
        pooled = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
        return torch.cat([self.one(x), self.five(x), self.three(x), self.pool_proj(pooled)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return int(h) * int(w) * int(c_in) * int(c_out) * int(k) ** 2


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = chain(conv5x5(in_channels, 10), nn.ReLU(), nn.MaxPool2d(2), InceptionA(10))
        self.stage2 = chain(conv5x5(InceptionA.OUT_CHANNELS, 20), nn.ReLU(), nn.MaxPool2d(2), InceptionA(20))
        side = input_size // 2 // 2                         # 'same' 5×5 convs, two 2×2 poolings
        self.fc = nn.Linear(InceptionA.OUT_CHANNELS * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.stage2(self.stage1(x)), 1))
