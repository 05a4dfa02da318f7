"""ResNet with nn.Sequential everywhere and a helper for the per-channel view."""
from __future__ import annotations

import torch
from torch import Tensor, nn


def per_channel(t: Tensor, ndim: int) -> Tensor:
    """(C,) → (1, C, 1, …) to broadcast against an ndim-dim batch."""
    return t.view(1, -1, *([1] * (ndim - 2)))


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        self.act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    nd = x.dim()
    if training:
        flat = x.transpose(0, 1).reshape(x.shape[1], -1)     # (C, everything else)
        mean = flat.mean(dim=1)
        centred = flat - mean[:, None]
        sq = (centred * centred).sum(dim=1)
        count = flat.shape[1]
        var = sq / count
        running_mean.mul_(1 - momentum).add_(mean.detach(), alpha=momentum)
        running_var.mul_(1 - momentum).add_(sq.detach() / (count - 1), alpha=momentum)
    else:
        mean, var = running_mean, running_var
    inv_std = torch.rsqrt(per_channel(var, nd) + eps)
    return (x - per_channel(mean, nd)) * inv_std * per_channel(gamma, nd) + per_channel(beta, nd)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.residual = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        if stride == 1 and in_channels == out_channels:
            self.shortcut = nn.Sequential()
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(self.residual(x) + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, 1, 1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            BasicBlock(16, 16),
            BasicBlock(16, 32, 2),
            BasicBlock(32, 32),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
            nn.Linear(32, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
