# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Convolutional networks — 卷积, 填充, 步幅, 池化, LeNet, GPU.

An image is a grid; nearby pixels belong together. A convolution layer slides a small
kernel over the image and takes a weighted sum at every position (strictly, a
cross-correlation, 互相关): for a single channel

    Y[i, j] = Σₐ Σ_b X[i + a, j + b] · K[a, b]

With several input channels (多通道) the sums run over the channels too, and each output
channel has its own kernel stack: weight (C_out, C_in, kh, kw). Padding (填充) adds zeros
around the border, stride (步幅) skips positions; the output side is

    ⌊(n + 2·padding − k) / stride⌋ + 1.

Max pooling (池化) keeps the largest value of each window. The lecture's network stacks
conv → relu → pool twice and finishes with a linear layer (LeNet style), and moves model
and data to the GPU with ``.to(device)``.

How your code is checked (``grade exercises/ --topic cnn``): values against
``torch.nn.functional.conv2d`` / ``max_pool2d`` (float32 within rtol=1e-5, atol=1e-5 for
convolutions — sums of many products round differently; float16 within rtol=1e-2, atol=1e-2), gradients in float64 (rtol=1e-7) against torch's
autograd, that torch's convolution and pooling functions are not used where off limits, a
network trained on the shipped 8×8 digits, and devices. Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """2-D cross-correlation of one channel (单通道卷积): Y[i, j] = Σ X[i + a, j + b]·K[a, b].

    x: (H, W), k: (kh, kw), kh ≤ H, kw ≤ W, floating point. Returns (H − kh + 1, W − kw + 1) of
    x's dtype, differentiable w.r.t. x and k (gradients checked in float64, as the module says).
    Loops are fine. Off limits: torch's convolution functions (``F.conv2d``,
    ``nn.Conv2d``, ``torch.conv2d``, …), ``F.embedding_bag`` (a weighted sum of gathered rows)
    and ``torch.fft`` (a convolution is a product of spectra).
    """
    raise NotImplementedError("corr2d: for every output position, sum the window times the kernel")


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """Multi-channel convolution by hand (多通道卷积), equal to ``F.conv2d(x, weight, bias, stride, padding)``.

    x: (N, C_in, H, W); weight: (C_out, C_in, kh, kw); bias: (C_out,) or None, all float32 or all
    float64 (the result in that dtype); int stride ≥ 1 and zero padding ≥ 0 applied to both
    spatial axes. Returns (N, C_out, H_out, W_out) with
    H_out = ⌊(H + 2·padding − kh)/stride⌋ + 1 (W_out likewise). Must stay differentiable.
    Off limits: ``F.conv2d``, ``torch.conv2d``, ``nn.Conv2d`` and torch's other convolutions,
    ``F.embedding_bag`` (a weighted sum of gathered rows), ``torch.fft`` (a product of spectra);
    ``F.unfold`` (im2col) and ``F.pad`` are allowed.
    """
    raise NotImplementedError("conv2d: pad, take windows (F.unfold), multiply by the flattened weight")


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Output side of a convolution or pooling: ⌊(n + 2·padding − k) / stride⌋ + 1 (k ≤ n + 2·padding;
    sizes below 2^53)."""
    raise NotImplementedError("conv_output_size: the formula, with integer division")


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Max pooling (MaxPooling): the maximum of each kernel_size × kernel_size window.

    x: (N, C, H, W), float32 or float64 (the result in its dtype); int kernel_size; int stride,
    defaulting to kernel_size; no padding.
    Returns (N, C, H_out, W_out), equal to ``F.max_pool2d(x, kernel_size, stride)``.
    Gradients at tied maxima are not judged. Off limits: ``F.max_pool2d``, ``nn.MaxPool2d``,
    ``torch.max_pool2d``, ``F.max_pool3d`` and torch's other max poolings, ``F.embedding_bag``
    (its max mode is a max over gathered rows).
    """
    raise NotImplementedError("max_pool2d: windows (unfold), then the max over each window")




# ---------------------------------------------------------------------------
# SimpleCNN — vdakov/contrail-segmentation, models/simpleCNN.py
# (commit 2c8db1b21d239f55bb5cfffb75d6ea6e436babed): the class taken unchanged as
# ContrailSimpleCNN (no constructor arguments); the stub's
# SimpleCNN(num_classes, in_channels) wraps it.
# ---------------------------------------------------------------------------
from torch import nn, optim


class ContrailSimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(1, 16, 3, 1, 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, 1, 1),
            nn.ReLU(),
            nn.MaxPool2d(2)
        )
        self.fc = nn.Linear(32*7*7, 10)
    def forward(self, x):
        x = self.conv(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


class SimpleCNN(ContrailSimpleCNN):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
