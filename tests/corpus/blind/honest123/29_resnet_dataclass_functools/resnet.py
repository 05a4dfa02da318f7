"""Residual networks — layer builders from functools.partial, a dataclass for the network plan."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

conv3x3 = functools.partial(nn.Conv2d, kernel_size=3, padding=1)
conv3x3_nobias = functools.partial(nn.Conv2d, kernel_size=3, padding=1, bias=False)
conv1x1_nobias = functools.partial(nn.Conv2d, kernel_size=1, bias=False)


@dataclass(frozen=True)
class Plan:
    """Widths and strides of SmallResNet's stages."""
    stem: int = 16
    stages: tuple[tuple[int, int], ...] = field(default=((16, 1), (32, 2)))


DEFAULT_PLAN = Plan()


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(channels, channels)
        self.conv2 = conv3x3(channels, channels)
        self.act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.conv2(self.act(self.conv1(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    view = [1, c] + [1] * (x.dim() - 2)
    if not training:
        scale = gamma / torch.sqrt(running_var + eps)
        shift = beta - running_mean * scale
        return x * scale.view(view) + shift.view(view)
    reduce_dims = [d for d in range(x.dim()) if d != 1]
    var, mean = torch.var_mean(x, dim=reduce_dims, correction=0)
    n = x.numel() // c
    with torch.no_grad():
        running_mean.lerp_(mean.detach(), momentum)
        running_var.lerp_(var.detach() * n / (n - 1), momentum)
    return (x - mean.view(view)) * torch.rsqrt(var.view(view) + eps) * gamma.view(view) + beta.view(view)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(
            conv3x3_nobias(in_channels, out_channels, stride=stride),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            conv3x3_nobias(out_channels, out_channels),
            nn.BatchNorm2d(out_channels),
        )
        self.projection = None
        if stride != 1 or in_channels != out_channels:
            self.projection = nn.Sequential(conv1x1_nobias(in_channels, out_channels, stride=stride),
                                            nn.BatchNorm2d(out_channels))
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        shortcut = x if self.projection is None else self.projection(x)
        return self.relu(self.main(x) + shortcut)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        plan = DEFAULT_PLAN
        self.stem = nn.Sequential(conv3x3_nobias(in_channels, plan.stem), nn.BatchNorm2d(plan.stem), nn.ReLU())
        blocks, c = [], plan.stem
        for width, stride in plan.stages:
            blocks.append(BasicBlock(c, width, stride))
            c = width
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.pool(self.blocks(self.stem(x))).flatten(1))
