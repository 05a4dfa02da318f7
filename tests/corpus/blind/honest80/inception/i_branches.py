"""Inception with nn.Sequential branches kept in a ModuleList, and a global-pooling head."""
from __future__ import annotations

import torch
from torch import Tensor, nn

BRANCH_OUT = (16, 24, 24, 24)


def conv(c_in: int, c_out: int, k: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, k, padding=k // 2)


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleList([
            nn.Sequential(conv(in_channels, 16, 1)),
            nn.Sequential(conv(in_channels, 16, 1), conv(16, 24, 5)),
            nn.Sequential(conv(in_channels, 16, 1), conv(16, 24, 3), conv(24, 24, 3)),
            nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), conv(in_channels, 24, 1)),
        ])
        self.out_channels = sum(BRANCH_OUT)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output = k * k * c_in
    return int(per_output * c_out * h * w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(conv(in_channels, 10, 5), nn.MaxPool2d(2), nn.ReLU())
        self.inception1 = InceptionA(10)
        self.stage2 = nn.Sequential(conv(88, 20, 5), nn.MaxPool2d(2), nn.ReLU())
        self.inception2 = InceptionA(20)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(self.inception2.out_channels, num_classes)
        self.input_size = input_size

    def forward(self, x: Tensor) -> Tensor:
        x = self.inception1(self.stage1(x))
        x = self.inception2(self.stage2(x))
        return self.fc(self.pool(x).flatten(1))
