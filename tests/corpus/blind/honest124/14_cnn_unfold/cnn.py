"""CNN — windows by unfold everywhere: Tensor.unfold for corr2d, F.unfold + einsum for conv2d,
F.unfold + amax for max pooling."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)       # (H−kh+1, W−kw+1, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)   # (N, C_in·kh·kw, L)
    out = torch.einsum("ok,nkl->nol", weight.reshape(c_out, -1), cols)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    ho = conv_output_size(h, kh, padding, stride)
    wo = conv_output_size(w, kw, padding, stride)
    return out.reshape(n, c_out, ho, wo)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    n, c, h, w = x.shape
    planes = x.reshape(n * c, 1, h, w)
    cols = F.unfold(planes, kernel_size, stride=stride)                       # (N·C, k·k, L)
    ho = conv_output_size(h, kernel_size, 0, stride)
    wo = conv_output_size(w, kernel_size, 0, stride)
    return cols.amax(dim=1).reshape(n, c, ho, wo)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(self.gap(x), 1))
