# mistake: averages each window (breaks: the maximum of each window)
# cause: max_pool2d max_pool2d:values
"""CNN exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x, k):
    windows = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)   # (oh, ow, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """im2col with F.unfold, then one matrix product."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    columns = F.unfold(x, (kh, kw), padding=padding, stride=stride)        # (N, C_in·kh·kw, L)
    out = weight.reshape(c_out, -1) @ columns                               # (N, C_out, L)
    if bias is not None:
        out = out + bias[:, None]
    return out.reshape(n, c_out, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def conv_output_size(n, k, padding=0, stride=1):
    import math
    return int(math.floor((n + 2 * padding - k) / stride)) + 1


def max_pool2d(x, kernel_size, stride=None):
    s = kernel_size if stride is None else stride
    windows = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return windows.mean(dim=(-2, -1))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
