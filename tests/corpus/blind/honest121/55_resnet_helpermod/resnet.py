"""Residual networks — conv factories and batch statistics from a helper module (res_layers)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from res_layers import batch_moments, channel_view, conv1x1, conv3x3


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.first = conv3x3(channels, channels)
        self.second = conv3x3(channels, channels)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x + self.second(F.relu(self.first(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    shape = channel_view(x)
    if training:
        mean, var, n = batch_moments(x)
        with torch.no_grad():
            running_mean.mul_(1.0 - momentum).add_(mean, alpha=momentum)
            running_var.mul_(1.0 - momentum).add_(var, alpha=momentum * n / (n - 1))
    else:
        mean, var = running_mean, running_var
    return (x - mean.reshape(shape)) / (var.reshape(shape) + eps).sqrt() * gamma.reshape(shape) + beta.reshape(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        identity = stride == 1 and in_channels == out_channels
        self.downsample = None if identity else nn.Sequential(conv1x1(in_channels, out_channels, stride),
                                                              nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return F.relu(out)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = conv3x3(in_channels, 24)
        self.res = nn.Sequential(ResidualBlock(24), BasicBlock(24, 32, stride=2))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        return self.fc(self.pool(self.res(x)).flatten(1))
