# correct: math.floor output size, 2×2 adaptive grid head, loop conv via corr2d-like sums (held back: written before the suites' edge inputs)
"""CNNs, written from the docstrings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = torch.zeros(oh, ow, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for b in range(kw):
            out = out + x[a:a + oh, b:b + ow] * k[a, b]
    return out


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    xp = F.pad(x, [padding] * 4)
    rows = []
    for i in range(h_out):
        cols = []
        for j in range(w_out):
            win = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            cols.append((win.unsqueeze(1) * weight.unsqueeze(0)).sum(dim=(2, 3, 4)))
        rows.append(torch.stack(cols, dim=-1))
    out = torch.stack(rows, dim=-2)
    return out if bias is None else out + bias[None, :, None, None]


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    import math
    return math.floor((n + 2 * padding - k) / stride) + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    windows = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return windows.amax(dim=(-2, -1))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 4, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(F.adaptive_avg_pool2d(x, 2).flatten(1))
