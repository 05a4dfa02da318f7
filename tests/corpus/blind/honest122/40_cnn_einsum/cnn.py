"""CNN exercises with tensor windows and einsum."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)          # (Ho, Wo, kh, kw)
    return torch.einsum("ijab,ab->ij", windows, k)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) // stride) + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    kh, kw = weight.shape[-2:]
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))
    patches = x.unfold(2, kh, stride).unfold(3, kw, stride)     # (N, C, Ho, Wo, kh, kw)
    out = torch.einsum("ncijab,ocab->noij", patches, weight)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=s)     # (N*C, k*k, L)
    ho = (h - kernel_size) // s + 1
    wo = (w - kernel_size) // s + 1
    return cols.max(dim=1).values.reshape(n, c, ho, wo)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten(), nn.Linear(32 * 4, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))
