"""ResNet — functional conv calls on registered Parameters in the blocks; a welford-free two-pass batch_norm."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=(3, 3), padding=(1, 1), bias=True)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=(3, 3), padding=(1, 1), bias=True)

    def forward(self, x: Tensor) -> Tensor:
        residual = x
        out = self.conv1(x)
        out = torch.relu(out)
        out = self.conv2(out)
        out = out + residual
        return torch.relu(out)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    C = x.shape[1]
    # move channels last and flatten everything else: (M, C)
    flat = x.transpose(0, 1).reshape(C, -1).T if x.dim() > 2 else x
    if training:
        mu = flat.mean(dim=0)
        dev = flat - mu
        var = (dev * dev).mean(dim=0)
        m = flat.shape[0]
        running_mean.data.mul_(1 - momentum).add_(momentum * mu.detach())
        running_var.data.mul_(1 - momentum).add_(momentum * var.detach() * m / (m - 1))
        normed = dev / torch.sqrt(var + eps)
    else:
        normed = (flat - running_mean) / torch.sqrt(running_var + eps)
    out = normed * gamma + beta
    if x.dim() > 2:
        N, _, *spatial = x.shape
        out = out.T.reshape(C, N, *spatial).transpose(0, 1)
    return out


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride == 1 and in_channels == out_channels:
            self.downsample = None
        else:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.res1 = ResidualBlock(16)
        self.res2 = ResidualBlock(16)
        self.down = BasicBlock(16, 32, stride=2)
        self.fc = nn.Linear(32, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        x = self.down(self.res2(self.res1(x)))
        x = F.adaptive_avg_pool2d(x, (1, 1))
        return self.fc(x.view(x.size(0), -1))
