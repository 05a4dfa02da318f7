# correct: ResidualBlock: nn.Sequential body and an nn.ReLU module after the sum; batch_norm: a 2-D and a 4-D branch, E[x²] − E[x]², slice assignment of the running stats; BasicBlock: residual and shortcut as methods, F.relu_ on the sum; SmallResNet: conv-BN-ReLU stem, two BasicBlocks (the second with stride 2), AdaptiveAvgPool2d, Flatten, Linear
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


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    if x.dim() == 2:
        dims, shape = (0,), (1, -1)
    else:
        dims, shape = (0, 2, 3), (1, -1, 1, 1)
    if training:
        mean = x.mean(dims)
        var = x.var(dims, unbiased=False)  # two-pass: E[x²] − E[x]² cancels at a large mean
        m = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean[:] = running_mean * (1 - momentum) + mean * momentum
            running_var[:] = running_var * (1 - momentum) + var * (m / (m - 1)) * momentum
    else:
        mean, var = running_mean, running_var
    scale = gamma / torch.sqrt(var + eps)
    shift = beta - mean * scale
    return x * scale.reshape(shape) + shift.reshape(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, out_channels, (3, 3), (stride, stride), (1, 1), bias=False)
        self.n1 = nn.BatchNorm2d(out_channels)
        self.c2 = nn.Conv2d(out_channels, out_channels, (3, 3), (1, 1), (1, 1), bias=False)
        self.n2 = nn.BatchNorm2d(out_channels)
        needs = stride > 1 or in_channels != out_channels
        self.proj = (
            nn.Sequential(nn.Conv2d(in_channels, out_channels, (1, 1), (stride, stride), bias=False),
                          nn.BatchNorm2d(out_channels))
            if needs else None
        )

    def _residual(self, x):
        return self.n2(self.c2(F.relu(self.n1(self.c1(x)))))

    def _shortcut(self, x):
        return x if self.proj is None else self.proj(x)

    def forward(self, x):
        return F.relu_(self._residual(x) + self._shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            BasicBlock(16, 16),
            BasicBlock(16, 32, stride=2),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(32, num_classes),
        )

    def forward(self, x):
        return self.net(x)
