"""ResNet — d2l's Residual class with use_1x1conv, batch_norm after d2l (shape-(1,C,1,1) statistics), typing everywhere."""

from __future__ import annotations

from typing import List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, X: Tensor) -> Tensor:
        Y = F.relu(self.conv1(X))
        Y = self.conv2(Y)
        return F.relu(Y + X)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    shape = (1, -1) + (1,) * (x.dim() - 2)
    if not training:
        X_hat = (x - running_mean.view(shape)) / torch.sqrt(running_var.view(shape) + eps)
    else:
        dims = (0,) + tuple(range(2, x.dim()))
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
        X_hat = (x - mean) / torch.sqrt(var + eps)
        n = x.numel() // x.size(1)
        with torch.no_grad():
            running_mean[:] = (1.0 - momentum) * running_mean + momentum * mean.flatten()
            running_var[:] = (1.0 - momentum) * running_var + momentum * var.flatten() * n / (n - 1)
    return gamma.view(shape) * X_hat + beta.view(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        use_1x1conv = stride != 1 or in_channels != out_channels
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=stride, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.conv3: Optional[nn.Conv2d] = (
            nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False) if use_1x1conv else None)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.bn3 = nn.BatchNorm2d(out_channels) if use_1x1conv else None

    def forward(self, X: Tensor) -> Tensor:
        Y = F.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3 is not None:
            X = self.bn3(self.conv3(X))
        Y += X
        return F.relu(Y)


def resnet_block(in_channels: int, out_channels: int, num_residuals: int, first_block: bool = False) -> List[nn.Module]:
    blk: List[nn.Module] = []
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.append(BasicBlock(in_channels, out_channels, stride=2))
        else:
            blk.append(BasicBlock(out_channels, out_channels))
    return blk


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        b1 = nn.Sequential(nn.Conv2d(in_channels, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        b2 = nn.Sequential(*resnet_block(16, 16, 2, first_block=True))
        b3 = nn.Sequential(*resnet_block(16, 32, 2))
        self.net = nn.Sequential(b1, b2, b3, nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
