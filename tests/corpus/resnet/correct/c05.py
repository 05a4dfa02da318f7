# correct: ResidualBlock: explicit conv1/conv2, F.relu; batch_norm: torch.var_mean, broadcasting by indexing with None, running stats via copy_; BasicBlock: main path one nn.Sequential, downsample None for the identity; SmallResNet: 5×5 stem, two BasicBlocks 24 channels, torch.mean over dims [-2, -1]
"""Residual network exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.conv1(x))
        out = self.conv2(out)
        return F.relu(out + x)


def batch_norm(x, gamma, beta, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    dims = [0, *range(2, x.dim())]
    if training:
        var, mean = torch.var_mean(x, dim=dims, unbiased=False)
        count = x.numel() / x.size(1)
        new_mean = (1 - momentum) * running_mean + momentum * mean.detach()
        new_var = (1 - momentum) * running_var + momentum * var.detach() * count / (count - 1)
        running_mean.copy_(new_mean)
        running_var.copy_(new_var)
    else:
        mean, var = running_mean, running_var
    index = (None, slice(None)) + (None,) * (x.dim() - 2)
    x_hat = (x - mean[index]) / (var[index] + eps).sqrt()
    return x_hat * gamma[index] + beta[index]


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
        )
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        return torch.relu(self.main(x) + identity)


class SmallResNet(nn.Module):
    def __init__(self, in_channels=1, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, 24, kernel_size=5, padding=2, bias=False)
        self.bn = nn.BatchNorm2d(24)
        self.layer1 = BasicBlock(24, 24)
        self.layer2 = BasicBlock(24, 24)
        self.classifier = nn.Linear(24, num_classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        x = self.layer2(self.layer1(x))
        return self.classifier(torch.mean(x, dim=[-2, -1]))
