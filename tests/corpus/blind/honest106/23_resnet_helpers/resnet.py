"""ResNet — batch_norm with a helper module beside it, a BasicBlock-based SmallResNet built in a loop."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from norm_helpers import batch_stats, channel_view


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.body(x) + x)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if training:
        mean, var, count = batch_stats(x)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mean.detach(), alpha=momentum)
            running_var.mul_(1 - momentum).add_(var.detach() * (count / (count - 1)), alpha=momentum)
    else:
        mean, var = running_mean, running_var
    nd = x.dim()
    inv_std = torch.rsqrt(channel_view(var, nd) + eps)
    return (x - channel_view(mean, nd)) * inv_std * channel_view(gamma, nd) + channel_view(beta, nd)


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
        self.project = stride != 1 or in_channels != out_channels
        if self.project:
            self.proj = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                      nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        identity = self.proj(x) if self.project else x
        return F.relu(self.main(x) + identity)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        widths = [16, 32, 64]
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU())
        blocks = []
        prev = widths[0]
        for i, w in enumerate(widths):
            blocks.append(BasicBlock(prev, w, stride=1 if i == 0 else 2))
            prev = w
        self.layers = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(prev, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))
