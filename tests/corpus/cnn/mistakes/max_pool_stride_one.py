# mistake: stride defaults to 1 (breaks: stride defaults to kernel_size)
# cause: max_pool2d max_pool2d:shape
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


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if padding:
        x = F.pad(x, [padding] * 4)
    kh, kw = weight.shape[2:]
    patches = x.unfold(2, kh, stride).unfold(3, kw, stride)            # (n, c, oh, ow, kh, kw)
    out = torch.einsum("ncijab,ocab->noij", patches, weight)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x, kernel_size, stride=None):
    s = 1 if stride is None else stride
    windows = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    return windows.amax(dim=(-2, -1))


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
