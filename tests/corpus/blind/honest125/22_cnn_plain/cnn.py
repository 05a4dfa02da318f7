"""CNN — plain: loops for the single-channel correlation, F.unfold (im2col) for conv2d, Tensor.unfold for pooling."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Window times kernel, summed, at every output position (loops are fine here)."""
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    rows = []
    for i in range(oh):
        row = [(x[i:i + kh, j:j + kw] * k).sum() for j in range(ow)]
        rows.append(torch.stack(row))
    return torch.stack(rows)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1 with integer division."""
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """im2col: (N, C_in·kh·kw, L) columns times the (C_out, C_in·kh·kw) flattened weight."""
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    oh = conv_output_size(h, kh, padding, stride)
    ow = conv_output_size(w, kw, padding, stride)
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)
    out = torch.matmul(weight.reshape(c_out, -1), cols)          # (N, C_out, L)
    if bias is not None:
        out = out + bias.reshape(1, c_out, 1)
    return out.reshape(n, c_out, oh, ow)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Windows along H then W, max over each k×k window."""
    s = kernel_size if stride is None else stride
    win = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)    # (N, C, Ho, Wo, k, k)
    return win.amax(dim=(-2, -1))


class SimpleCNN(nn.Module):
    """(conv → relu → max-pool) × 2, global average pooling, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = x.mean(dim=(2, 3))
        return self.fc(x)
