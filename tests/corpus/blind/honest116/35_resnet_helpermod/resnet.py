"""ResNet topic; per-channel statistics come from bn_math.py next to this file."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from bn_math import batch_stats, channel_view


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x + self.body(x))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if training:
        mean, var, n = batch_stats(x)
        unbiased = var.detach() * (n / (n - 1))
        running_mean.copy_(running_mean * (1 - momentum) + mean.detach() * momentum)
        running_var.copy_(running_var * (1 - momentum) + unbiased * momentum)
    else:
        mean, var = running_mean, running_var
    d = x.dim()
    inv_std = torch.rsqrt(channel_view(var, d) + eps)
    return (x - channel_view(mean, d)) * inv_std * channel_view(gamma, d) + channel_view(beta, d)


def conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.residual = nn.Sequential(
            conv3x3(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True),
            conv3x3(out_channels, out_channels), nn.BatchNorm2d(out_channels),
        )
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.residual(x) + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(conv3x3(in_channels, 16), nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        self.layer1 = BasicBlock(16, 16)
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(self.pool(x), 1))
