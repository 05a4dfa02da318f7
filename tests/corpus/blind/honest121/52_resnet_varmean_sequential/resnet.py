"""Residual networks — torch.var_mean for the batch statistics, nn.Sequential main paths."""

from __future__ import annotations

from typing import List

import torch
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.residual = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        self.out_act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.out_act(x + self.residual(x))


def _reduce_dims(x: Tensor) -> List[int]:
    return [d for d in range(x.dim()) if d != 1]


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    dims = _reduce_dims(x)
    bshape = [1] * x.dim()
    bshape[1] = x.shape[1]
    if training:
        var, mean = torch.var_mean(x, dim=dims, correction=0)   # biased variance, from deviations
        count = x.numel() / x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mean, momentum)
            running_var.lerp_(var * (count / (count - 1)), momentum)
    else:
        mean, var = running_mean, running_var
    inv_std = torch.rsqrt(var + eps)
    scale = (gamma * inv_std).reshape(bshape)
    return (x - mean.reshape(bshape)) * scale + beta.reshape(bshape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.project = None
        if stride != 1 or in_channels != out_channels:
            self.project = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        self.act = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        skip = x if self.project is None else self.project(x)
        return self.act(self.main(x) + skip)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            BasicBlock(16, 16),
            BasicBlock(16, 32, stride=2),
            BasicBlock(32, 32),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(32, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
