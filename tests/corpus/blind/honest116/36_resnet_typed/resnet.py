"""ResNet topic — typed, with properties on the blocks."""

from __future__ import annotations

from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1: nn.Conv2d = nn.Conv2d(channels, channels, kernel_size=(3, 3), padding=(1, 1), bias=True)
        self.conv2: nn.Conv2d = nn.Conv2d(channels, channels, kernel_size=(3, 3), padding=(1, 1), bias=True)

    @property
    def channels(self) -> int:
        return self.conv1.in_channels

    def forward(self, x: Tensor) -> Tensor:
        residual: Tensor = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(residual + x)


def _reduce_dims(x: Tensor) -> Tuple[int, ...]:
    return (0,) + tuple(range(2, x.dim()))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    dims: Tuple[int, ...] = _reduce_dims(x)
    bshape: List[int] = [1, x.shape[1]] + [1] * (x.dim() - 2)
    if training:
        mu: Tensor = x.mean(dim=dims, keepdim=True)
        centered: Tensor = x - mu
        var_b: Tensor = centered.square().mean(dim=dims, keepdim=True)
        count: int = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.lerp_(mu.reshape(-1), momentum)
            running_var.lerp_(var_b.reshape(-1) * count / (count - 1), momentum)
        x_hat: Tensor = centered / torch.sqrt(var_b + eps)
    else:
        x_hat = (x - running_mean.view(bshape)) / torch.sqrt(running_var.view(bshape) + eps)
    return x_hat * gamma.view(bshape) + beta.view(bshape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.proj: nn.Module | None = None
        if stride != 1 or in_channels != out_channels:
            self.proj = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                      nn.BatchNorm2d(out_channels))

    @property
    def has_projection(self) -> bool:
        return self.proj is not None

    def forward(self, x: Tensor) -> Tensor:
        identity: Tensor = self.proj(x) if self.has_projection else x
        out: Tensor = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + identity)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        width: int = 24
        self.stem = nn.Conv2d(in_channels, width, kernel_size=3, padding=1)
        self.blocks = nn.Sequential(*[ResidualBlock(width) for _ in range(2)], BasicBlock(width, 2 * width, 2))
        self.head = nn.Linear(2 * width, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h: Tensor = self.blocks(F.relu(self.stem(x)))
        return self.head(h.mean(dim=(-2, -1)))
