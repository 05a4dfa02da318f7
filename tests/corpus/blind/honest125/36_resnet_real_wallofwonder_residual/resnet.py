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


class BasicBlock(nn.Module):
    """ResNet's basic block: ``BasicBlock(in_channels, out_channels, stride=1)``.

    Main path: 3×3 conv (stride, padding 1, no bias) → BatchNorm2d → ReLU → 3×3 conv (padding 1,
    no bias) → BatchNorm2d. Shortcut: the identity when stride == 1 and in_channels ==
    out_channels, otherwise a 1×1 conv (stride, no bias) → BatchNorm2d (a projection). Output:
    relu(main + shortcut), (N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉).
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        raise NotImplementedError("BasicBlock: the main path, the shortcut, relu of their sum")


class SmallResNet(nn.Module):
    """A small ResNet: ``SmallResNet(in_channels=1, num_classes=10)``.

    A stem convolution, then at least two residual blocks of this module (``ResidualBlock`` or
    ``BasicBlock`` instances), global average pooling and a linear layer. One instance accepts
    any input (n, in_channels, H, W) with H, W ≥ 8 and returns logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        raise NotImplementedError("SmallResNet: stem, residual blocks, global pooling, linear")


# ---------------------------------------------------------------------------
# ResidualBlock — taken as found from WallofWonder/pytorch-demo,
# residual/residualblock.py. Unchanged (name and signature already match).
# ---------------------------------------------------------------------------
class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.channels = channels
        self.conv1 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(in_channels=channels, out_channels=channels, kernel_size=3, padding=1)

    def forward(self, x):
        y = self.conv1(x)
        y = F.relu(y)
        y = self.conv2(y)
        return F.relu(x + y)
