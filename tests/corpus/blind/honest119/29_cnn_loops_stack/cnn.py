"""CNN — comprehensions and torch.stack (loops are fine where the docstring says so)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    return torch.stack([
        torch.stack([torch.sum(x[i:i + kh, j:j + kw] * k) for j in range(x.shape[1] - kw + 1)])
        for i in range(x.shape[0] - kh + 1)
    ])


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) // stride) + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    if padding:
        x = F.pad(x, [padding] * 4)
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    patches = x.unfold(2, kh, stride).unfold(3, kw, stride)          # (N, C, oh, ow, kh, kw)
    patches = patches.permute(0, 2, 3, 1, 4, 5).reshape(n, oh, ow, c * kh * kw)
    out = patches @ weight.reshape(o, -1).t()                         # (N, oh, ow, O)
    if bias is not None:
        out = out + bias
    return out.permute(0, 3, 1, 2)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)   # (N*C, k*k, L)
    oh = (h - kernel_size) // stride + 1
    ow = (w - kernel_size) // stride + 1
    return cols.max(dim=1).values.reshape(n, c, oh, ow)


class SimpleCNN(nn.Module):
    """Lecture 10: conv(1→10, 5×5) → relu → pool, conv(10→20, 5×5) → relu → pool, then linear.

    Padding 2 keeps an 8×8 digit alive through both pools; global max pooling makes the linear
    layer's size independent of the input."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.mp = nn.MaxPool2d(2)
        self.fc = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = F.relu(self.mp(self.conv2(x)))
        x = F.adaptive_max_pool2d(x, 1).view(batch, -1)
        return self.fc(x)
