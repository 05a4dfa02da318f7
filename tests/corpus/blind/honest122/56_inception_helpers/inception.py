"""Inception exercises; the branches are built by inception_parts.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from inception_parts import conv_chain, flat_size, pool_branch


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList([
            conv_chain(in_channels, [(16, 1)]),
            conv_chain(in_channels, [(16, 1), (24, 5)]),
            conv_chain(in_channels, [(16, 1), (24, 3), (24, 3)]),
            pool_branch(in_channels, 24),
        ])

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([branch(x) for branch in self.branches], 1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output_pixel = k * k * c_in
    return int(per_output_pixel * c_out * h * w)


class _Trunk(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=2)
        self.incep2 = InceptionA(20)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.max_pool2d(F.relu(self.conv1(x)), 2))
        x = self.incep2(F.max_pool2d(F.relu(self.conv2(x)), 2))
        return torch.flatten(x, 1)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.trunk = _Trunk(in_channels)
        self.fc = nn.Linear(flat_size(self.trunk, in_channels, input_size), num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.trunk(x))
