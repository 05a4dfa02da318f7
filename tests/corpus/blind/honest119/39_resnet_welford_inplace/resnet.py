"""ResNet — batch_norm with keepdim statistics and in-place lerp_ updates; blocks by composition."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """y = relu(x + conv2(relu(conv1(x)))) — 残差块 (lecture 11)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1, self.conv2 = (nn.Conv2d(channels, channels, 3, padding=1) for _ in range(2))

    def forward(self, x: Tensor) -> Tensor:
        residual = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(residual + x)


@torch.no_grad()
def _update_running(running_mean: Tensor, running_var: Tensor, mean: Tensor, unbiased_var: Tensor,
                    momentum: float) -> None:
    running_mean.lerp_(mean.to(running_mean.dtype), momentum)
    running_var.lerp_(unbiased_var.to(running_var.dtype), momentum)


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    # move channels last, flatten everything else: (M, C)
    flat = x.transpose(0, 1).reshape(c, -1).T
    if training:
        m = flat.shape[0]
        mean = flat.mean(0)
        centred = flat - mean
        var = (centred * centred).sum(0) / m           # from the deviations: no cancellation
        _update_running(running_mean, running_var, mean, var * (m / (m - 1)), momentum)
    else:
        mean, var = running_mean, running_var
    y = (flat - mean) / torch.sqrt(var + eps) * gamma + beta
    # back to x's layout
    moved = list(x.shape)
    moved[0], moved[1] = moved[1], moved[0]
    return y.T.reshape(moved).transpose(0, 1)


class ConvBN(nn.Sequential):
    def __init__(self, c_in: int, c_out: int, k: int, stride: int = 1) -> None:
        super().__init__(nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, bias=False),
                         nn.BatchNorm2d(c_out))


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.branch1 = ConvBN(in_channels, out_channels, 3, stride)
        self.branch2 = ConvBN(out_channels, out_channels, 3)
        self.proj = ConvBN(in_channels, out_channels, 1, stride) \
            if (stride, in_channels) != (1, out_channels) else None

    def forward(self, x: Tensor) -> Tensor:
        out = self.branch2(F.relu(self.branch1(x)))
        skip = x if self.proj is None else self.proj(x)
        return F.relu(out + skip)


class SmallResNet(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = ConvBN(in_channels, 32, 3)
        self.block_a = BasicBlock(32, 32)
        self.block_b = BasicBlock(32, 64, stride=2)
        self.head = nn.Linear(64, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h = F.relu(self.stem(x))
        h = self.block_b(self.block_a(h))
        return self.head(h.mean((-2, -1)))
