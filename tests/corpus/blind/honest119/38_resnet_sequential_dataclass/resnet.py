"""ResNet — Sequential main paths, nn.Identity shortcuts, a dataclass for the stage plan."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.conv2(self.act(self.conv1(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    reduce_dims = [d for d in range(x.dim()) if d != 1]
    view = [1] * x.dim()
    view[1] = x.shape[1]
    if training:
        mu = x.mean(dim=reduce_dims)
        var_b = x.var(dim=reduce_dims, unbiased=False)
        var_u = x.var(dim=reduce_dims, unbiased=True)
        running_mean.copy_((1 - momentum) * running_mean + momentum * mu.detach())
        running_var.copy_((1 - momentum) * running_var + momentum * var_u.detach())
    else:
        mu, var_b = running_mean, running_var
    return (x - mu.view(view)) * (gamma.view(view) / torch.sqrt(var_b.view(view) + eps)) + beta.view(view)


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
        needs_projection = stride != 1 or in_channels != out_channels
        self.shortcut = (nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                       nn.BatchNorm2d(out_channels))
                         if needs_projection else nn.Identity())
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.main(x) + self.shortcut(x))


@dataclass(frozen=True)
class Stage:
    out_channels: int
    stride: int


class SmallResNet(nn.Module):
    PLAN = (Stage(16, 1), Stage(32, 2), Stage(64, 2))

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU(inplace=True))
        blocks, c = [], 16
        for stage in self.PLAN:
            blocks.append(BasicBlock(c, stage.out_channels, stage.stride))
            c = stage.out_channels
        self.layers = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))
