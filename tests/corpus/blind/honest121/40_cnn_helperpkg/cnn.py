"""CNNs — helpers come from a package (convkit/) beside this file."""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import Tensor, nn

from convkit import im2col, out_size, pool_windows


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    rows = im2col(x[None, None], kh, kw, 1, 0)[0]          # (L, kh·kw)
    y = rows @ k.reshape(-1)
    return y.reshape(out_size(x.shape[0], kh), out_size(x.shape[1], kw))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    rows = im2col(x, kh, kw, stride, padding)               # (N, L, C·kh·kw)
    y = rows @ weight.flatten(1).T                          # (N, L, C_out)
    if bias is not None:
        y = y + bias
    return y.transpose(1, 2).reshape(n, c_out, out_size(h, kh, padding, stride), out_size(w, kw, padding, stride))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return out_size(n, k, padding, stride)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    return pool_windows(x, kernel_size, kernel_size if stride is None else stride).max(-1)[0]


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.body = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(in_channels, 16, 3, padding=1)),
            ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(16, 32, 3, padding=1)),
            ("relu2", nn.ReLU()),
            ("pool2", nn.MaxPool2d(2)),
            ("gap", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(32, num_classes)),
        ]))

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)
