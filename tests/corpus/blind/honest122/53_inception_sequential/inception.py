"""Inception exercises with nn.Sequential branches; the classifier size comes from a dry run."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.b5x5 = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=1),
            nn.Conv2d(16, 24, kernel_size=5, padding=2),
        )
        self.b3x3 = nn.Sequential(
            nn.Conv2d(in_channels, 16, kernel_size=1),
            nn.Conv2d(16, 24, kernel_size=3, padding=1),
            nn.Conv2d(24, 24, kernel_size=3, padding=1),
        )
        self.bpool = nn.Sequential(
            nn.AvgPool2d(kernel_size=3, stride=1, padding=1),
            nn.Conv2d(in_channels, 24, kernel_size=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1x1(x), self.b5x5(x), self.b3x3(x), self.bpool(x)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return k * k * c_in * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 10, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(10),
            nn.Conv2d(88, 20, kernel_size=5, padding=2), nn.MaxPool2d(2), nn.ReLU(),
            InceptionA(20),
            nn.Flatten(),
        )
        with torch.no_grad():
            n_flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).shape[1]
        self.fc = nn.Linear(n_flat, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x))
