"""ResNet, with the convolution factories in the package blocks/ beside this file."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from blocks import conv1x1, conv3x3


class ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(channels, channels, bias=True)
        self.conv2 = conv3x3(channels, channels, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv1(x)
        out = F.relu(out)
        out = self.conv2(out)
        out = out + x
        return F.relu(out)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    if x.dim() == 2:
        axes, bshape = [0], (1, x.shape[1])
    else:
        axes, bshape = [0, 2, 3], (1, x.shape[1], 1, 1)
    if not training:
        x_hat = (x - running_mean.view(bshape)) / (running_var.view(bshape) + eps).sqrt()
    else:
        mean = x.mean(axes, keepdim=True)
        var = (x - mean).pow(2).mean(axes, keepdim=True)
        x_hat = (x - mean) / (var + eps).sqrt()
        count = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean *= 1 - momentum
            running_mean += momentum * mean.flatten()
            running_var *= 1 - momentum
            running_var += momentum * var.flatten() * count / (count - 1)
    return gamma.view(bshape) * x_hat + beta.view(bshape)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = conv3x3(in_channels, out_channels, stride)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = conv3x3(out_channels, out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        identity = x
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return F.relu(out)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.conv = conv3x3(in_channels, 16)
        self.bn = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(BasicBlock(16, 16), BasicBlock(16, 16))
        self.layer2 = BasicBlock(16, 32, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32 * BasicBlock.expansion, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.relu(self.bn(self.conv(x)))
        x = self.layer2(self.layer1(x))
        x = self.avgpool(x)
        return self.fc(x.view(x.size(0), -1))
