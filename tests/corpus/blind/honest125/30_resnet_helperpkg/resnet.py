"""ResNet — on top of the helper package res_parts (statistics, conv shorthands, a block registry)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

try:
    from .res_parts import BLOCK_REGISTRY, channel_shape, channel_stats, conv1x1, conv3x3, register_block
except ImportError:
    from res_parts import BLOCK_REGISTRY, channel_shape, channel_stats, conv1x1, conv3x3, register_block


@register_block("residual")
class ResidualBlock(nn.Module):
    """The lecture 11 block: both convolutions 3×3, padding 1, with bias."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(channels, channels, bias=True)
        self.conv2 = conv3x3(channels, channels, bias=True)

    def forward(self, x: Tensor) -> Tensor:
        return torch.relu(x + self.conv2(torch.relu(self.conv1(x))))


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch statistics in training (running stats blended in place), running stats otherwise."""
    shape = channel_shape(x)
    if training:
        mean, var, var_unbiased = channel_stats(x)
        with torch.no_grad():
            running_mean.lerp_(mean.detach(), momentum)
            running_var.lerp_(var_unbiased.detach(), momentum)
    else:
        mean, var = running_mean, running_var
    scale = gamma.reshape(shape) * torch.rsqrt(var.reshape(shape) + eps)
    return (x - mean.reshape(shape)) * scale + beta.reshape(shape)


@register_block("basic")
class BasicBlock(nn.Module):
    """Main path conv-BN-ReLU-conv-BN; identity or 1×1 projection shortcut; ReLU after the sum."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.main = nn.Sequential(
            conv3x3(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels), nn.ReLU(),
            conv3x3(out_channels, out_channels), nn.BatchNorm2d(out_channels),
        )
        needs_projection = stride != 1 or in_channels != out_channels
        self.shortcut = (nn.Sequential(conv1x1(in_channels, out_channels, stride), nn.BatchNorm2d(out_channels))
                         if needs_projection else nn.Identity())

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.main(x) + self.shortcut(x))


class SmallResNet(nn.Module):
    """Stem conv-BN-ReLU, BasicBlocks from the registry, global average pooling, linear."""

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        basic = BLOCK_REGISTRY["basic"]
        self.stem = nn.Sequential(conv3x3(in_channels, 24), nn.BatchNorm2d(24), nn.ReLU())
        self.layers = nn.Sequential(basic(24, 24), basic(24, 48, stride=2), basic(48, 48))
        self.fc = nn.Linear(48, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.layers(self.stem(x)), 1), 1))
