"""CNNs — window loops for corr2d, F.unfold + einsum for conv2d, Tensor.unfold for pooling."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = []
    for i in range(oh):
        row = []
        for j in range(ow):
            row.append((x[i:i + kh, j:j + kw] * k).sum())
        out.append(torch.stack(row))
    return torch.stack(out)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)   # (N, C·kh·kw, L)
    out = torch.einsum("ok,nkl->nol", weight.reshape(c_out, -1), cols)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, oh, ow)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    patches = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)   # (N, C, oh, ow, k, k)
    return patches.amax(dim=(-2, -1))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(self.gap(x), 1))
