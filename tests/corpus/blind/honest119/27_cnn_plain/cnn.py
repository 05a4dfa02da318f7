"""CNN — 卷积, 填充, 步幅, 池化."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    out_h, out_w = x.shape[0] - h + 1, x.shape[1] - w + 1
    y = torch.zeros(out_h, out_w, dtype=x.dtype, device=x.device)
    for i in range(out_h):
        for j in range(out_w):
            y[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)     # (N, C_in*kh*kw, L)
    out = torch.einsum("ok,nkl->nol", weight.reshape(c_out, -1), cols)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.view(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    patches = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return patches.amax(dim=(-2, -1))


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
