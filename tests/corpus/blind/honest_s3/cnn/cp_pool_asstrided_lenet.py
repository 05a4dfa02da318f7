"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Window times kernel, summed, at every position."""
    kh, kw = k.shape
    rows = [torch.stack([(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)])
            for i in range(x.shape[0] - kh + 1)]
    return torch.stack(rows)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """im2col with F.unfold, then one matrix product."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)        # (N, C_in·kh·kw, L)
    out = weight.reshape(c_out, -1) @ columns                               # (N, C_out, L)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1."""
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """as_strided windows on a contiguous copy: (N, C, H_out, W_out, k, k), then the max of each."""
    s = stride if stride is not None else kernel_size
    x = x.contiguous()
    n, c, h, w = x.shape
    sn, sc, sh, sw = x.stride()
    ho, wo = (h - kernel_size) // s + 1, (w - kernel_size) // s + 1
    windows = x.as_strided((n, c, ho, wo, kernel_size, kernel_size), (sn, sc, sh * s, sw * s, sh, sw))
    return windows.reshape(n, c, ho, wo, -1).max(dim=-1).values


class SimpleCNN(nn.Module):
    """The lecture's 10 and 20 channels with 5×5 kernels (padded), then a fixed 3×3 adaptive pool."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.squeeze = nn.AdaptiveAvgPool2d(3)
        self.fc = nn.Linear(20 * 3 * 3, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(self.squeeze(x), 1))
