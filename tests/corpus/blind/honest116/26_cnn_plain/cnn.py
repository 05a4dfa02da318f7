"""CNN topic — d2l-style loops for one channel, im2col for the full convolution."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    Y = torch.zeros((x.shape[0] - h + 1, x.shape[1] - w + 1), dtype=x.dtype, device=x.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return Y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = conv_output_size(h, kh, padding, stride)
    w_out = conv_output_size(w, kw, padding, stride)
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)         # (N, C_in*kh*kw, L)
    out = weight.reshape(c_out, -1) @ cols                                # (N, C_out, L)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1)
    return out.reshape(n, c_out, h_out, w_out)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    h_out = (h - kernel_size) // stride + 1
    w_out = (w - kernel_size) // stride + 1
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)  # (N*C, k*k, L)
    return cols.max(dim=1).values.reshape(n, c, h_out, w_out)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.pooling = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch_size = x.size(0)
        x = self.pooling(F.relu(self.conv1(x)))
        x = self.pooling(F.relu(self.conv2(x)))
        x = self.gap(x).view(batch_size, -1)
        return self.fc(x)
