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
    """Batch normalisation (批量归一化) by hand, per channel (dim 1).

    x: (N, C) or (N, C, H, W); gamma, beta, running_mean, running_var: (C,).

    - training: normalise with the batch's statistics over every dim but 1 — mean μ and the
      biased variance σ² — y = γ·(x − μ)/√(σ² + eps) + β; and update the running statistics IN
      PLACE like ``nn.BatchNorm2d``: running_mean ← (1 − momentum)·running_mean + momentum·μ,
      running_var ← (1 − momentum)·running_var + momentum·σ²_unbiased (the variance with n − 1).
    - not training: y = γ·(x − running_mean)/√(running_var + eps) + β; the running stats stay.

    The batch may have a large mean against a small spread (mean 1e5, spread 1e−2 in float64):
    compute σ² from the deviations x − μ (E[x²] − E[x]² cancels there).

    Returns y with x's shape. Equal to ``F.batch_norm(x, running_mean, running_var, gamma, beta,
    training, momentum, eps)``, which is off limits (as are ``nn.BatchNorm*`` and torch's
    instance/layer/group/RMS norms: ``F.rms_norm`` of centred values is this normalisation; and
    the folds of a batch norm into weights: ``torch.nn.utils.fuse_conv_bn_eval``,
    ``torch.nn.utils.fuse_conv_bn_weights``, ``torch.nn.utils.fuse_linear_bn_eval``,
    ``torch.nn.utils.fuse_linear_bn_weights``).
    """
    raise NotImplementedError("batch_norm: statistics over dims (0, 2, 3), reshaped to broadcast per channel")




class SmallResNet(nn.Module):
    """A small ResNet: ``SmallResNet(in_channels=1, num_classes=10)``.

    A stem convolution, then at least two residual blocks of this module (``ResidualBlock`` or
    ``BasicBlock`` instances), global average pooling and a linear layer. One instance accepts
    any input (n, in_channels, H, W) with H, W ≥ 8 and returns logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        raise NotImplementedError("SmallResNet: stem, residual blocks, global pooling, linear")


# ---------------------------------------------------------------------------
# BasicBlock — taken as found from pytorch/vision, torchvision/models/resnet.py
# (commit 054e54c573ba46e5b9c63f1eea3ad4d103afbea2): conv3x3, conv1x1 and the
# BasicBlock class, unchanged except that the class is renamed TVBasicBlock so the
# stub's name can wrap it. The wrapper builds the projection shortcut exactly as
# torchvision's ResNet._make_layer does (conv1x1 + norm layer when the stride or
# the width changes) and passes it as `downsample`.
# ---------------------------------------------------------------------------
def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution with padding"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride,
                     padding=dilation, groups=groups, bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution"""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class TVBasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1,
                 base_width=64, dilation=1, norm_layer=None):
        super(TVBasicBlock, self).__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError('BasicBlock only supports groups=1 and base_width=64')
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        # Both self.conv1 and self.downsample layers downsample the input when stride != 1
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x

        out = self.conv1(x)
        out = self.bn1(out)
        out = self.relu(out)

        out = self.conv2(out)
        out = self.bn2(out)

        if self.downsample is not None:
            identity = self.downsample(x)

        out += identity
        out = self.relu(out)

        return out


class BasicBlock(TVBasicBlock):
    """Wrapper with the stub's signature (see the note above)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        downsample = None
        if stride != 1 or in_channels != out_channels * TVBasicBlock.expansion:
            downsample = nn.Sequential(
                conv1x1(in_channels, out_channels * TVBasicBlock.expansion, stride),
                nn.BatchNorm2d(out_channels * TVBasicBlock.expansion),
            )
        super().__init__(in_channels, out_channels, stride, downsample)
