# mistake: stride ignored (breaks: int stride)
# cause: conv2d conv2d_matches_torch:shape
"""CNN exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    out = torch.zeros(x.shape[0] - h + 1, x.shape[1] - w + 1, dtype=x.dtype, device=x.device)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + h, j:j + w] * k).sum()
    return out


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if padding:
        x = F.pad(x, [padding] * 4)
    kh, kw = weight.shape[2:]
    patches = x.unfold(2, kh, 1).unfold(3, kw, 1)
    out = torch.einsum("ncijab,ocab->noij", patches, weight)
    return out if bias is None else out + bias.view(1, -1, 1, 1)


def conv_output_size(n, k, padding=0, stride=1):
    import math
    return int(math.floor((n + 2 * padding - k) / stride)) + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
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
