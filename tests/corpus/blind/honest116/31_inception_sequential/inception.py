"""Inception with nn.Sequential branches; GoogLeNetMini sizes its head by a dry run."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1 = nn.Conv2d(in_channels, 16, 1)
        self.b5 = nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2))
        self.b3 = nn.Sequential(
            nn.Conv2d(in_channels, 16, 1),
            nn.Conv2d(16, 24, 3, padding=1),
            nn.Conv2d(24, 24, 3, padding=1),
        )
        self.bp = nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1), nn.Conv2d(in_channels, 24, 1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1(x), self.b5(x), self.b3(x), self.bp(x)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output_value = k * k * c_in
    return int(per_output_value * c_out * h * w)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 10, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            InceptionA(10),
            nn.Conv2d(88, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            InceptionA(20),
        )
        with torch.no_grad():
            n_flat = self.features(torch.zeros(1, in_channels, input_size, input_size)).numel()
        self.classifier = nn.Linear(n_flat, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.features(x), 1))
