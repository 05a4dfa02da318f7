# correct: unfold corr2d, shifted-slice einsum conv2d, offset-maximum pooling (held back: written before the suites' edge inputs)
"""CNNs, written from the docstrings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    windows = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)
    return (windows * k).sum(dim=(-2, -1))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    xp = F.pad(x, (padding, padding, padding, padding))
    out = x.new_zeros(n, c_out, h_out, w_out)
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (h_out - 1) + 1:stride, b:b + stride * (w_out - 1) + 1:stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    h_out = (x.shape[2] - kernel_size) // s + 1
    w_out = (x.shape[3] - kernel_size) // s + 1
    best = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            part = x[:, :, a:a + s * (h_out - 1) + 1:s, b:b + s * (w_out - 1) + 1:s]
            best = part if best is None else torch.maximum(best, part)
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
