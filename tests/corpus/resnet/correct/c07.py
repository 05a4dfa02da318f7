# correct: ResidualBlock: ModuleList of two convs looped over, clamp(min=0) after the sum; batch_norm: (C, M) view by transpose, std via pow(0.5), add_ with alpha; BasicBlock: nn.ModuleDict of layers, projection conv and norm held separately; SmallResNet: stem, BasicBlock 16→32 stride 2 then a ResidualBlock, F.adaptive_avg_pool2d
"""Residual network exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(channels, channels, 3, 1, 1) for _ in range(2)])

    def forward(self, x):
        y = x
        for i, conv in enumerate(self.convs):
            y = conv(y)
            if i == 0:
                y = torch.relu(y)
        return (x + y).clamp(min=0)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    per_channel = x.transpose(0, 1).reshape(c, -1)
    if training:
        mean = per_channel.mean(dim=1)
        centred = per_channel - mean[:, None]
        var = centred.pow(2).mean(dim=1)
        m = per_channel.shape[1]
        running_mean.mul_(1 - momentum).add_(mean.detach(), alpha=momentum)
        running_var.mul_(1 - momentum).add_(var.detach() * m / (m - 1), alpha=momentum)
    else:
        centred = per_channel - running_mean[:, None]
        var = running_var
    y = centred / (var[:, None] + eps).pow(0.5) * gamma[:, None] + beta[:, None]
    return y.reshape(c, x.shape[0], *x.shape[2:]).transpose(0, 1)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.layers = nn.ModuleDict({
            "conv1": nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
            "bn1": nn.BatchNorm2d(out_channels),
            "conv2": nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
            "bn2": nn.BatchNorm2d(out_channels),
        })
        self.project = stride != 1 or in_channels != out_channels
        if self.project:
            self.proj_conv = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            self.proj_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: Tensor) -> Tensor:
        L = self.layers
        out = L["bn2"](L["conv2"](L["bn1"](L["conv1"](x)).relu()))
        short = self.proj_bn(self.proj_conv(x)) if self.project else x
        return (out + short).relu()


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
