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
import torch.nn.functional as F
from torch import Tensor, nn


class InceptionA(nn.Module):
    """The lecture's Inception module; ``InceptionA(in_channels)``.

    Four branches over the same input x (N, in_channels, H, W), each keeping H and W:

    - b1x1:  1×1 conv → 16 channels;
    - b5x5:  1×1 conv → 16, then 5×5 conv (padding 2) → 24;
    - b3x3:  1×1 conv → 16, then 3×3 conv (padding 1) → 24, then 3×3 conv (padding 1) → 24;
    - bpool: 3×3 average pooling (stride 1, padding 1), then 1×1 conv → 24.

    All convolutions have a bias; there is no activation inside the module. forward returns
    ``torch.cat([b1x1, b5x5, b3x3, bpool], dim=1)``: (N, 88, H, W).
    """

    # --- from WallofWonder/pytorch-demo inception/inception.py (class Inception), renamed InceptionA ---
    def __init__(self, in_channels):
        super(InceptionA, self).__init__()
        self.branch_pool = nn.Conv2d(in_channels=in_channels, out_channels=24, kernel_size=1)

        self.branch1x1 = nn.Conv2d(in_channels=in_channels, out_channels=16, kernel_size=1)

        self.branch5x5_1 = nn.Conv2d(in_channels=in_channels, out_channels=16, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(in_channels=16, out_channels=24, kernel_size=5, padding=2)

        self.branch3x3_1 = nn.Conv2d(in_channels=in_channels, out_channels=16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(in_channels=16, out_channels=24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(in_channels=24, out_channels=24, kernel_size=3, padding=1)

    def forward(self, x):
        # 池化分支 
        # -> Avg_pool -> Conv_1x1(24) ->
        branch_pool = F.avg_pool2d(x, 3, 1, 1)
        branch_pool = self.branch_pool(branch_pool)

        # Conv_1x1 分支
        # -> Conv_1x1(16) ->
        branch1x1 = self.branch1x1(x)

        # Conv_5x5 分支 
        # -> Conv_1x1(16) -> Conv_5x5(24) ->
        branch5x5 = self.branch5x5_1(x)
        branch5x5 = self.branch5x5_2(branch5x5)

        # Conv_3x3 分支
        # -> Conv_1x1(16) -> Conv_3x3(24) -> Conv_3x3(24) ->
        branch3x3 = self.branch3x3_1(x)
        branch3x3 = self.branch3x3_2(branch3x3)
        branch3x3 = self.branch3x3_3(branch3x3)

        return torch.cat([branch_pool, branch1x1, branch5x5, branch3x3], dim=1)


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
