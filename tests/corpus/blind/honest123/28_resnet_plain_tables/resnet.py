"""Residual networks — with the per-layout reduction dims and broadcast shapes tabled at import."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# layout table, built once: number of dims → (dims reduced over, shape that broadcasts per channel)
LAYOUTS: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {
    nd: ((0,) + tuple(range(2, nd)), (1, -1) + (1,) * (nd - 2)) for nd in (2, 3, 4, 5)
}


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = self.conv2(y)
        return F.relu(x + y)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    dims, shape = LAYOUTS[x.dim()]
    if training:
        count = x.numel() // x.shape[1]
        mu = x.mean(dim=dims, keepdim=True)
        centred = x - mu
        var = (centred * centred).mean(dim=dims, keepdim=True)      # biased, from deviations
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(mu.reshape(-1), alpha=momentum)
            running_var.mul_(1 - momentum).add_(var.reshape(-1) * (count / (count - 1)), alpha=momentum)
        x_hat = centred / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.reshape(shape)) / torch.sqrt(running_var.reshape(shape) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        else:
            self.shortcut = nn.Sequential()

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.block1 = ResidualBlock(16)
        self.block2 = ResidualBlock(16)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.stem(x))
        x = self.block2(self.block1(x))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))
