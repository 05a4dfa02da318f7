"""Residual networks — a plain solution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if x.dim() == 2:
        axes = (0,)
        shape = (1, -1)
    else:
        axes = (0, 2, 3)
        shape = (1, -1, 1, 1)
    if training:
        mean = x.mean(dim=axes)
        centered = x - mean.view(shape)
        var = (centered ** 2).mean(dim=axes)
        n = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mean.detach(), alpha=momentum)
            running_var.mul_(1 - momentum).add_(var.detach() * n / (n - 1), alpha=momentum)
        x_hat = centered / torch.sqrt(var.view(shape) + eps)
    else:
        x_hat = (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps)
    return gamma.view(shape) * x_hat + beta.view(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    """The lecture 11 layout (conv, pool, residual block, twice) with batch norm after each stem conv
    and global average pooling, so any input of at least 8×8 works."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.rblock1 = ResidualBlock(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.rblock2 = ResidualBlock(32)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.rblock1(F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2))
        x = self.rblock2(F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)
