# mistake: applies the ReLU to conv2's output before the skip addition and returns x + relu(conv2(...)) instead of relu(x + conv2(...))
# cause: ResidualBlock I thought every conv is followed by its ReLU and the shortcut is just added at the end
# fix: return F.relu(x + self.conv2(y)) with no ReLU between conv2 and the addition
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
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.conv1(x))
        y = F.relu(self.conv2(y))
        return x + y


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
    instance/layer/group norms).
    """
    c = x.shape[1]
    shape = [1, c] + [1] * (x.dim() - 2)
    if training:
        dims = [0] + list(range(2, x.dim()))
        mu = x.mean(dim=dims, keepdim=True)
        var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)
        n = x.numel() // c
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mu.detach().reshape(c))
            running_var.mul_(1 - momentum).add_(momentum * var.detach().reshape(c) * n / (n - 1))
        x_hat = (x - mu) / torch.sqrt(var + eps)
    else:
        x_hat = (x - running_mean.reshape(shape)) / torch.sqrt(running_var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)


class BasicBlock(nn.Module):
    """ResNet's basic block: ``BasicBlock(in_channels, out_channels, stride=1)``.

    Main path: 3×3 conv (stride, padding 1, no bias) → BatchNorm2d → ReLU → 3×3 conv (padding 1,
    no bias) → BatchNorm2d. Shortcut: the identity when stride == 1 and in_channels ==
    out_channels, otherwise a 1×1 conv (stride, no bias) → BatchNorm2d (a projection). Output:
    relu(main + shortcut), (N, out_channels, ⌈H/stride⌉, ⌈W/stride⌉).
    """

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
            self.shortcut = nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    """A small ResNet: ``SmallResNet(in_channels=1, num_classes=10)``.

    A stem convolution, then at least two residual blocks of this module (``ResidualBlock`` or
    ``BasicBlock`` instances), global average pooling and a linear layer. One instance accepts
    any input (n, in_channels, H, W) with H, W ≥ 8 and returns logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
        )
        self.block1 = ResidualBlock(16)
        self.block2 = BasicBlock(16, 32, stride=2)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.stem(x)
        x = self.block1(x)
        x = self.block2(x)
        x = x.mean(dim=(2, 3))
        return self.fc(x)
