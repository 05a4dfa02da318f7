# mistake: first conv hard-coded to 1 input channel (breaks: SimpleCNN(num_classes, in_channels))
# cause: SimpleCNN error:channels
"""CNN exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x, k):
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = x.new_zeros(oh, ow)
    for a in range(kh):
        for b in range(kw):
            out = out + k[a, b] * x[a:a + oh, b:b + ow]
    return out


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
    return len(range(0, n + 2 * padding - k + 1, stride))


def max_pool2d(x, kernel_size, stride=None):
    stride = stride or kernel_size
    n, c, h, w = x.shape
    oh, ow = (h - kernel_size) // stride + 1, (w - kernel_size) // stride + 1
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=stride)   # (n*c, k*k, L)
    return cols.max(dim=1).values.reshape(n, c, oh, ow)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.mean(dim=(2, 3)))
