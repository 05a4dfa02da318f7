"""Residual networks — batch_norm on a (C, everything-else) view; blocks stacked with a loop."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        residual = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(residual + x)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    flat = x.movedim(1, 0).reshape(c, -1)            # (C, N·H·W)
    if training:
        m = flat.shape[1]
        mu = flat.mean(dim=1)
        dev = flat - mu[:, None]
        var = dev.pow(2).sum(dim=1) / m
        with torch.no_grad():
            running_mean.copy_((1 - momentum) * running_mean + momentum * mu)
            running_var.copy_((1 - momentum) * running_var + momentum * var * m / (m - 1))
        normed = dev / (var[:, None] + eps).sqrt()
    else:
        normed = (flat - running_mean[:, None]) / (running_var[:, None] + eps).sqrt()
    y = gamma[:, None] * normed + beta[:, None]
    rest = [x.shape[0]] + list(x.shape[2:])
    return y.reshape([c] + rest).movedim(0, 1)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.n1 = nn.BatchNorm2d(out_channels)
        self.c2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.n2 = nn.BatchNorm2d(out_channels)
        self.needs_projection = stride != 1 or in_channels != out_channels
        if self.needs_projection:
            self.pc = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            self.pn = nn.BatchNorm2d(out_channels)

    def forward(self, x: Tensor) -> Tensor:
        main = self.n2(self.c2(F.relu(self.n1(self.c1(x)))))
        short = self.pn(self.pc(x)) if self.needs_projection else x
        return F.relu(main + short)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        widths = [in_channels, 16, 32]
        # one stage per width step: conv → batch norm → relu → 2×2 max pool → residual block
        self.stages = nn.ModuleList(
            nn.Sequential(nn.Conv2d(a, b, 3, padding=1), nn.BatchNorm2d(b), nn.ReLU(), nn.MaxPool2d(2), ResidualBlock(b))
            for a, b in zip(widths, widths[1:])
        )
        self.head = nn.Linear(widths[-1], num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h = x
        for stage in self.stages:
            h = stage(h)
        return self.head(h.mean(dim=(-2, -1)))
