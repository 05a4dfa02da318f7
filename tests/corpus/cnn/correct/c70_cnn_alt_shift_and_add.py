# correct: corr2d vectorised with Tensor.unfold; conv2d by shift-and-add (einsum per kernel offset on strided slices of F.pad); conv_output_size via divmod; max_pool2d as a running torch.maximum over k² strided slices; SimpleCNN with the lecture's 10/20 channels, 5×5 kernels and a global max pool
"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Vectorised: all windows by Tensor.unfold, then one weighted sum."""
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)        # (H−kh+1, W−kw+1, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """Shift and add: one channel-mixing product per kernel offset, on strided slices of the padded input."""
    c_out, c_in, kh, kw = weight.shape
    xp = F.pad(x, (padding, padding, padding, padding))
    ho = conv_output_size(x.shape[2], kh, padding, stride)
    wo = conv_output_size(x.shape[3], kw, padding, stride)
    out = None
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            term = torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
            out = term if out is None else out + term
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """divmod keeps it an int."""
    quotient, _ = divmod(n + 2 * padding - k, stride)
    return quotient + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """The running maximum over the k·k strided slices."""
    if stride is None:
        stride = kernel_size
    ho = conv_output_size(x.shape[2], kernel_size, 0, stride)
    wo = conv_output_size(x.shape[3], kernel_size, 0, stride)
    out = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            s = x[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            out = s if out is None else torch.maximum(out, s)
    return out


class SimpleCNN(nn.Module):
    """The lecture's 10 and 20 channels with 5×5 kernels (padding 2), then a global max pool."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.amax(x, dim=(2, 3))
        return self.fc(x)
