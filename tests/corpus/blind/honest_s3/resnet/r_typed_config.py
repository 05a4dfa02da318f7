# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Residual networks — typed factories, a stage config tuple, torch.var_mean in batch_norm."""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def conv3x3(c_in: int, c_out: int, stride: int = 1, bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=bias)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride, bias=False)


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1: nn.Conv2d = conv3x3(channels, channels, bias=True)
        self.conv2: nn.Conv2d = conv3x3(channels, channels, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        residual: Tensor = self.conv2(self.conv1(x).relu())
        return (x + residual).relu()


def _per_channel(t: Tensor, ndim: int) -> Tensor:
    return t.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    reduce_dims: list[int] = [d for d in range(x.dim()) if d != 1]
    if training:
        var, mean = torch.var_mean(x, dim=reduce_dims, correction=0)     # two-pass, no E[x²] − E[x]²
        count: int = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)                           # (1 − m)·rm + m·μ
            running_var.lerp_(var * (count / (count - 1)), momentum)
    else:
        mean, var = running_mean, running_var
    scale: Tensor = gamma * torch.rsqrt(var + eps)
    return (x - _per_channel(mean, x.dim())) * _per_channel(scale, x.dim()) + _per_channel(beta, x.dim())


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(conv3x3(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels),
                                  nn.ReLU(inplace=True),
                                  conv3x3(out_channels, out_channels), nn.BatchNorm2d(out_channels))
        self.project: nn.Module | None = None
        if stride != 1 or in_channels != out_channels:
            self.project = nn.Sequential(conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        shortcut: Tensor = x if self.project is None else self.project(x)
        return F.relu(self.main(x) + shortcut)


class Stage(NamedTuple):
    channels: int
    stride: int


class SmallResNet(nn.Module):
    STAGES: tuple[Stage, ...] = (Stage(16, 1), Stage(32, 2), Stage(32, 1))

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(conv3x3(in_channels, 16), nn.BatchNorm2d(16), nn.ReLU())
        blocks: list[nn.Module] = []
        c = 16
        for st in self.STAGES:
            blocks.append(BasicBlock(c, st.channels, st.stride))
            c = st.channels
        self.blocks = nn.Sequential(*blocks)
        self.classifier = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h: Tensor = self.blocks(self.stem(x))
        return self.classifier(torch.mean(h, dim=(2, 3)))
