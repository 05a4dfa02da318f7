"""ResNet — plain: the lecture's residual block, batch norm by mean/var of deviations, BasicBlock, a small ResNet."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """relu(x + conv2(relu(conv1(x))))."""

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
    """Per-channel statistics over every dim but 1; running stats updated in place in training."""
    reduce_dims = tuple(d for d in range(x.dim()) if d != 1)
    view = [1, x.shape[1]] + [1] * (x.dim() - 2)
    if training:
        mu = x.mean(dim=reduce_dims, keepdim=True)
        dev = x - mu
        var = (dev * dev).mean(dim=reduce_dims, keepdim=True)
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mu.reshape(-1), alpha=momentum)
            running_var.mul_(1 - momentum).add_(var.reshape(-1) * (count / (count - 1)), alpha=momentum)
        x_hat = dev / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.reshape(view)) / torch.sqrt(running_var.reshape(view) + eps)
    return gamma.reshape(view) * x_hat + beta.reshape(view)


class BasicBlock(nn.Module):
    """conv3×3(stride)-BN-ReLU-conv3×3-BN + shortcut, ReLU after the sum."""

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
    """Stem, two ResidualBlocks with a pool between, global average pooling, linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.block1 = ResidualBlock(16)
        self.pool = nn.MaxPool2d(2)
        self.block2 = ResidualBlock(16)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        x = self.pool(self.block1(x))
        x = self.block2(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)
