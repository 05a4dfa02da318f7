"""CNN — lecture 10 Net with 5×5 kernels; padding so 8×8 digits survive; own helpers."""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class Geometry(NamedTuple):
    kh: int
    kw: int
    h_out: int
    w_out: int


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return math.floor((n + 2 * padding - k) / stride) + 1


def _geometry(h: int, w: int, kh: int, kw: int, padding: int, stride: int) -> Geometry:
    return Geometry(kh, kw, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    g = _geometry(x.shape[0], x.shape[1], k.shape[0], k.shape[1], 0, 1)
    out = x.new_zeros((g.h_out, g.w_out))
    for a in range(g.kh):
        for b in range(g.kw):
            out = out + k[a, b] * x[a:a + g.h_out, b:b + g.w_out]
    return out


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out = weight.shape[0]
    g = _geometry(h, w, weight.shape[2], weight.shape[3], padding, stride)
    cols = F.unfold(x, (g.kh, g.kw), padding=padding, stride=stride)     # (n, c_in·kh·kw, L)
    out = (cols.transpose(1, 2) @ weight.reshape(c_out, -1).t()).transpose(1, 2)
    out = out.reshape(n, c_out, g.h_out, g.w_out)
    return out if bias is None else out + bias[None, :, None, None]


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride or kernel_size
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)   # (n·c, k·k, L)
    h_out = conv_output_size(h, kernel_size, 0, stride)
    w_out = conv_output_size(w, kernel_size, 0, stride)
    return cols.amax(dim=1).reshape(n, c, h_out, w_out)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.mean(dim=(2, 3))
        return self.fc(x)
