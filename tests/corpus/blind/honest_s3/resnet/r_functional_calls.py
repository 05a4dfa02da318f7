# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Residual networks — modules hold the weights, forward calls torch.nn.functional with them; slice-assigned running stats."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        h = F.relu(F.conv2d(x, self.conv1.weight, self.conv1.bias, stride=1, padding=1))
        h = F.conv2d(h, self.conv2.weight, self.conv2.bias, stride=1, padding=1)
        return F.relu(h + x)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if x.dim() not in (2, 4):
        raise ValueError("batch_norm expects (N, C) or (N, C, H, W)")
    dims = [0] if x.dim() == 2 else [0, 2, 3]
    bshape = [1, x.shape[1]] + [1] * (x.dim() - 2)
    if not training:
        return (x - running_mean.view(bshape)) / (running_var.view(bshape) + eps).sqrt() * gamma.view(bshape)             + beta.view(bshape)
    n = 1
    for d in dims:                       # a loop over the reduced axes (at most three)
        n *= x.shape[d]
    mu = x.sum(dim=dims, keepdim=True) / n
    d = x - mu
    var = (d * d).sum(dim=dims, keepdim=True) / n
    with torch.no_grad():
        running_mean[:] = (1 - momentum) * running_mean + momentum * mu.flatten()
        running_var[:] = (1 - momentum) * running_var + momentum * var.flatten() * (n / (n - 1))
    return d / (var + eps).sqrt() * gamma.view(bshape) + beta.view(bshape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.projected = stride != 1 or in_channels != out_channels
        if self.projected:
            self.sc_conv = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)
            self.sc_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x: Tensor) -> Tensor:
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        skip = self.sc_bn(self.sc_conv(x)) if self.projected else x
        return F.relu(y + skip)


class SmallResNet(nn.Module):
    """Stem, a lecture ResidualBlock, then a projecting BasicBlock; global average pooling; linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.res = ResidualBlock(16)
        self.basic = BasicBlock(16, 32, stride=2)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.basic(self.res(F.relu(self.stem(x))))
        return self.fc(F.adaptive_avg_pool2d(x, (1, 1)).flatten(1))
