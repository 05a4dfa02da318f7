# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Residual networks — 残差块, 批量归一化, 梯度消失.

Stacking more layers should never hurt — the extra layers could learn the identity — yet
plain deep networks train worse: gradients shrink as they pass back through many layers
(梯度消失, vanishing gradients) and accuracy degrades (退化问题). A residual block adds its
input back: y = relu(x + F(x)). The skip connection (跳跃连接) gives the gradient a direct path,
and the block only has to learn the residual F(x) = H(x) − x.

Batch normalisation (批量归一化) standardises each channel with the batch's mean and variance,
then rescales with learned γ and β; at evaluation it uses running averages collected during
training. ResNet's BasicBlock combines both, with a 1×1 "projection" shortcut where the shape
changes.

How your code is checked (``grade exercises/ --topic resnet``): shapes for several input sizes,
values against torch and against the lecture's formula built from your own layers' weights
(whatever you name them), gradients in float64 (rtol=1e-7), that deep residual stacks keep their gradients
where plain stacks lose them, a network trained on the shipped 8×8 digits, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ResidualBlock(nn.Module):
    """The lecture 11 residual block: y = relu(x + conv2(relu(conv1(x)))).

    ``ResidualBlock(channels)``: conv1 and conv2 are 3×3 convolutions channels → channels with
    zero padding 1 and a bias, so the shape (N, channels, H, W) is kept.
    """

    def __init__(self, channels: int) -> None:
        raise NotImplementedError("ResidualBlock: two 3×3 convolutions, padding 1")


def batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
               training: bool, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    c = x.shape[1]
    bshape = (1, c) + (1,) * (x.dim() - 2)
    if training:
        xc = x.transpose(0, 1).reshape(c, -1)           # (C, M)
        m = xc.shape[1]
        mu = xc.mean(1)
        var = ((xc - mu[:, None]) ** 2).mean(1)
        with torch.no_grad():
            running_mean.copy_(running_mean * (1 - momentum) + mu * momentum)
            running_var.copy_(running_var * (1 - momentum) + var * (m / (m - 1)) * momentum)
    else:
        mu, var = running_mean, running_var
    return (x - mu.view(bshape)) / (var.view(bshape) + eps).sqrt() * gamma.view(bshape) + beta.view(bshape)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.left = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels))
        self.right = None
        if stride != 1 or in_channels != out_channels:
            self.right = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                       nn.BatchNorm2d(out_channels))

    def forward(self, x: Tensor) -> Tensor:
        residual = x if self.right is None else self.right(x)
        out = self.left(x)
        out += residual
        return torch.relu(out)


class SmallResNet(nn.Module):
    """A small ResNet: ``SmallResNet(in_channels=1, num_classes=10)``.

    A stem convolution, then at least two residual blocks of this module (``ResidualBlock`` or
    ``BasicBlock`` instances), global average pooling and a linear layer. One instance accepts
    any input (n, in_channels, H, W) with H, W ≥ 8 and returns logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        raise NotImplementedError("SmallResNet: stem, residual blocks, global pooling, linear")
