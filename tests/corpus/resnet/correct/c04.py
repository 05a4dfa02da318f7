# correct: ResidualBlock: residual method F(x), identity kept in a variable; batch_norm: (C, M) view by transpose, std via pow(0.5), add_ with alpha; BasicBlock: nn.ModuleDict of layers, projection conv and norm held separately; SmallResNet: 5×5 stem, two BasicBlocks 24 channels, torch.mean over dims [-2, -1]
"""Residual network exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1, bias=True)
        self.c2 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1, bias=True)

    def residual(self, x: Tensor) -> Tensor:
        return self.c2(self.c1(x).relu())

    def forward(self, x: Tensor) -> Tensor:
        identity = x
        return (self.residual(x) + identity).relu()


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
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 24, kernel_size=5, padding=2, bias=False)
        self.bn = nn.BatchNorm2d(24)
        self.layer1 = BasicBlock(24, 24)
        self.layer2 = BasicBlock(24, 24)
        self.classifier = nn.Linear(24, num_classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layer2(self.layer1(x))
        return self.classifier(torch.mean(x, dim=[-2, -1]))
