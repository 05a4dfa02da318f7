# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Inception — GoogLeNet, Inception, 1×1 卷积.

GoogLeNet repeats one block, the Inception module: several branches look at the same input
with different kernel sizes, and their outputs are concatenated along the channel axis
(``torch.cat(..., dim=1)``: 按照通道合并). A 1×1 convolution mixes the channels at each
position (跨越不同通道相同位置的元素值使信息融合) and, used as a bottleneck before a large
kernel, cuts the number of multiplications (减少运算数量): a 5×5 convolution 192 → 32 on a
28×28 output costs 5·5·192·32·28·28 = 120,422,400 multiplications; squeezing to 16 channels
with a 1×1 first costs 1·1·192·16·28·28 + 5·5·16·32·28·28 = 12,443,648.

How your code is checked (``grade exercises/ --topic inception``): output shapes for several
input sizes, the lecture's branch structure through the shapes of the convolution weights and
the values they produce (whatever you name the layers), gradients reaching every branch, the
multiplication count, a network trained on the shipped 8×8 digits, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn




def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    """Multiplications of a k×k convolution c_in → c_out producing an h×w output: k·k·c_in·c_out·h·w.

    Bias additions are ignored. Returns an int.
    """
    raise NotImplementedError("conv_mults: one product per kernel weight, per output channel and position")


class GoogLeNetMini(nn.Module):
    """The lecture 11 network: conv → max-pool → InceptionA → conv → max-pool → InceptionA → linear.

    ``GoogLeNetMini(in_channels=1, num_classes=10, input_size=28)`` holds two instances of this
    module's :class:`InceptionA`. Its two convolutions are 5×5 (in → 10 and 88 → 20), as in the
    lecture, each followed by ReLU and 2×2 max pooling; the lecture's linear layer had 1408 inputs
    for 28×28 MNIST; here the linear
    layer's input size must be computed from ``input_size`` (e.g. by a dry run on a zero tensor,
    or by using global average pooling), not hard-coded: ``input_size`` 8 and 28 must both work
    (use padding so that an 8×8 image survives two poolings). forward((n, in_channels,
    input_size, input_size)) → logits (n, num_classes).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        raise NotImplementedError("GoogLeNetMini: conv, pool, InceptionA, conv, pool, InceptionA, linear")


# ---------------------------------------------------------------------------
# InceptionA — taken as found from fantashi099/Pytorch-From-Scratch,
# Inception/Inception.py (commit 177bb2c2ee0fbc42291df9b61967576553c9a07b), unchanged.
# ---------------------------------------------------------------------------
import torch.nn as nn


class InceptionA(nn.Module):
    def __init__(self, in_channels=1):
        super(InceptionA, self).__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)

        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)

        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)

        self.branch_pool_1 = nn.AvgPool2d(kernel_size=3, padding=1, stride=1)
        self.branch_pool_2 = nn.Conv2d(in_channels, 24, kernel_size=1)


    def forward(self, x):
        branch1x1 = self.branch1x1(x)

        branch3x3 = self.branch3x3_1(x)
        branch3x3 = self.branch3x3_2(branch3x3)
        branch3x3 = self.branch3x3_3(branch3x3)

        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)

        branch_pool = self.branch_pool_1(x)
        branch_pool = self.branch_pool_2(branch_pool)

        outs = [branch1x1, branch3x3, branch5x5, branch_pool]
        return torch.concat(outs, 1) # dim = 1
