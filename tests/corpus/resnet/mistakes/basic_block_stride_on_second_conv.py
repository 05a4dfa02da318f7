# mistake: the stride on the second 3×3 conv (breaks: 3×3 conv (stride, …) first, then 3×3 conv (padding 1))
# cause: BasicBlock basic_block:values
"""Residual network exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        return F.relu(out + x)


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = tuple(d for d in range(x.dim()) if d != 1)
    view = [1] * x.dim()
    view[1] = x.shape[1]
    if training:
        n = x.numel() // x.shape[1]
        mu = x.sum(dim=dims) / n
        sq = ((x - mu.view(view)) ** 2).sum(dim=dims)
        var = sq / n
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mu.detach() * momentum)
            running_var.mul_(1 - momentum).add_(sq.detach() / (n - 1) * momentum)
    else:
        mu, var = running_mean, running_var
    return gamma.view(view) * (x - mu.view(view)) / torch.sqrt(var.view(view) + eps) + beta.view(view)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv_a = nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False)
        self.bn_a = nn.BatchNorm2d(out_channels)
        self.conv_b = nn.Conv2d(out_channels, out_channels, 3, stride, 1, bias=False)
        self.bn_b = nn.BatchNorm2d(out_channels)
        if stride == 1 and in_channels == out_channels:
            self.skip = nn.Identity()
        else:
            self.skip = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False), nn.BatchNorm2d(out_channels)
            )

    def forward(self, x):
        y = F.relu(self.bn_a(self.conv_a(x)))
        y = self.bn_b(self.conv_b(y))
        return F.relu(y + self.skip(x))


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
