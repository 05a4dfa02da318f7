# correct: ResidualBlock body as one Sequential; batch_norm with channels moved last, explicit sums, rsqrt and copy_ into the buffers; BasicBlock with a None downsample meaning identity; SmallResNet mixing a ResidualBlock and a strided BasicBlock in a ModuleList, AdaptiveAvgPool2d
"""Residual networks — reference solution. The specification is the docstrings in exercises/resnet.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """The residual branch as one Sequential."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, channels, kernel_size=3, padding=1), nn.ReLU(),
                                  nn.Conv2d(channels, channels, kernel_size=3, padding=1))

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.body(x) + x)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Channels moved last and flattened to (M, C): sums by hand, deviations first; copy_ into the buffers."""
    xc = x.movedim(1, -1)
    flat = xc.reshape(-1, x.shape[1])
    m = flat.shape[0]
    if training:
        mu = flat.sum(dim=0) / m
        dev = flat - mu
        var = (dev * dev).sum(dim=0) / m
        with torch.no_grad():
            running_mean.copy_(running_mean * (1 - momentum) + mu.detach() * momentum)
            running_var.copy_(running_var * (1 - momentum) + var.detach() * (m / (m - 1)) * momentum)
    else:
        mu, var = running_mean, running_var
    y = (xc - mu) * torch.rsqrt(var + eps) * gamma + beta
    return y.movedim(-1, 1)


class BasicBlock(nn.Module):
    """Named layers, an optional downsample (None means identity)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.n1 = nn.BatchNorm2d(out_channels)
        self.c2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.n2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride > 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = torch.relu(self.n1(self.c1(x)))
        out = self.n2(self.c2(out))
        return torch.relu(out + identity)


class SmallResNet(nn.Module):
    """Stem conv + BN, one lecture ResidualBlock then a strided BasicBlock, adaptive average pooling, linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(16))
        self.res = nn.ModuleList([ResidualBlock(16), BasicBlock(16, 32, stride=2)])
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        for block in self.res:
            x = block(x)
        return self.fc(torch.flatten(self.gap(x), 1))
