# correct: ResidualBlock: nn.Sequential body and an nn.ReLU module after the sum; batch_norm: channels moved last and flattened to (M, C), var(correction=0/1), lerp_ for the running stats; BasicBlock: layers built by a helper, shortcut an empty nn.Sequential for the identity; SmallResNet: stem, BasicBlock 16→32 stride 2 then a ResidualBlock, F.adaptive_avg_pool2d
"""Residual network exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, (3, 3), padding=(1, 1)),
            nn.ReLU(),
            nn.Conv2d(channels, channels, (3, 3), padding=(1, 1)),
        )
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.body(x) + x)


def _channels_last(x: Tensor) -> Tensor:
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    flat = _channels_last(x)
    if training:
        mean = flat.mean(0)
        var = flat.var(0, correction=0)
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)
            running_var.lerp_(flat.var(0, correction=1), momentum)
    else:
        mean, var = running_mean, running_var
    normed = (flat - mean) * torch.rsqrt(var + eps) * gamma + beta
    return normed.reshape(x.movedim(1, -1).shape).movedim(-1, 1)


def _conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1, self.bn1 = _conv3x3(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels)
        self.conv2, self.bn2 = _conv3x3(out_channels, out_channels), nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if (stride, in_channels) != (1, out_channels):
            self.shortcut.append(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False))
            self.shortcut.append(nn.BatchNorm2d(out_channels))
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return self.relu(out)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.down = BasicBlock(16, 32, 2)
        self.res = ResidualBlock(32)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.res(self.down(self.stem(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))
