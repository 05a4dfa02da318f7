# correct: corr2d by nested loops writing into a zeros tensor; conv2d looping over output positions with a per-window tensordot; conv_output_size via math.floor; max_pool2d with F.unfold on (N·C, 1, H, W) and amax; SimpleCNN with adaptive 2×2 average pooling and a flatten
"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Nested loops; the zeros tensor takes the window sums."""
    kh, kw = k.shape
    out = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1, dtype=x.dtype, device=x.device)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = torch.sum(x[i:i + kh, j:j + kw] * k)
    return out


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """A loop over output positions: each window contracted with the whole weight."""
    kh, kw = weight.shape[2], weight.shape[3]
    xp = F.pad(x, [padding] * 4)
    ho = conv_output_size(x.shape[2], kh, padding, stride)
    wo = conv_output_size(x.shape[3], kw, padding, stride)
    rows = []
    for i in range(ho):
        cols = []
        for j in range(wo):
            window = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            cols.append(torch.tensordot(window, weight, dims=([1, 2, 3], [1, 2, 3])))   # (N, C_out)
        rows.append(torch.stack(cols, dim=-1))
    out = torch.stack(rows, dim=-2)                                                      # (N, C_out, ho, wo)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """math.floor of the true quotient."""
    return math.floor((n + 2 * padding - k) / stride) + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """F.unfold on one channel at a time (channels folded into the batch)."""
    stride = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)     # (N·C, k·k, L)
    ho = conv_output_size(h, kernel_size, 0, stride)
    wo = conv_output_size(w, kernel_size, 0, stride)
    return cols.amax(dim=1).reshape(n, c, ho, wo)


class SimpleCNN(nn.Module):
    """Two conv/relu/pool stages in a Sequential, adaptive 2×2 average pooling, flatten, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, 12, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2),
            nn.Conv2d(12, 24, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2),
            nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten())
        self.head = nn.Linear(24 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x))
