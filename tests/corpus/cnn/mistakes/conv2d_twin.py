# mistake: F.conv2d (breaks: off limits: F.conv2d)
# cause: conv2d twin
"""CNN exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x, k):
    windows = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)   # (oh, ow, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv2d(x, weight, bias=None, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride=stride, padding=padding)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x, kernel_size, stride=None):
    s = stride if stride is not None else kernel_size
    oh = (x.shape[2] - kernel_size) // s + 1
    ow = (x.shape[3] - kernel_size) // s + 1
    out = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            part = x[:, :, a:a + s * (oh - 1) + 1:s, b:b + s * (ow - 1) + 1:s]
            out = part if out is None else torch.maximum(out, part)
    return out


class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10, in_channels=1):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 10, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(10, 20, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(20 * 4, num_classes))

    def forward(self, x):
        return self.head(self.features(x))
