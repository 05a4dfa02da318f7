"""CNN exercises: cross-correlation, convolution by im2col, output sizes, max pooling, a LeNet-style net."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    rows = []
    for i in range(x.shape[0] - h + 1):
        row = []
        for j in range(x.shape[1] - w + 1):
            row.append((x[i:i + h, j:j + w] * k).sum())
        rows.append(torch.stack(row))
    return torch.stack(rows)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    N, C, H, W = x.shape
    O, _, kh, kw = weight.shape
    Ho = conv_output_size(H, kh, padding, stride)
    Wo = conv_output_size(W, kw, padding, stride)
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)    # (N, C*kh*kw, L)
    out = weight.reshape(O, -1).matmul(cols)                                     # (N, O, L)
    if bias is not None:
        out = out + bias.reshape(1, O, 1)
    return out.reshape(N, O, Ho, Wo)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    win = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)
    return win.amax(dim=(-2, -1))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.mean(dim=(2, 3))                       # global average pooling: any H, W >= 8
        return self.fc(x)
