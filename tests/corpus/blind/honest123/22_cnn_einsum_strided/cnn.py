"""Convolutional networks — sliding windows with Tensor.unfold, contractions with einsum."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    patches = x.unfold(0, kh, 1).unfold(1, kw, 1)          # (Ho, Wo, kh, kw)
    return torch.einsum("ijab,ab->ij", patches, k)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    if padding > 0:
        x = F.pad(x, [padding] * 4)
    kh, kw = weight.shape[-2:]
    patches = x.unfold(2, kh, stride).unfold(3, kw, stride)  # (N, C_in, Ho, Wo, kh, kw)
    out = torch.einsum("ncijab,ocab->noij", patches, weight)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    span = n + 2 * padding - k
    return span // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    patches = x.unfold(-2, kernel_size, stride).unfold(-2, kernel_size, stride)
    # after the first unfold the W axis is at -2, so the second unfold slides along W
    return patches.amax(dim=(-2, -1))


@dataclass(frozen=True)
class Widths:
    """Channel widths of the two stages; the lecture used 10 and 20."""
    first: int = 10
    second: int = 20


LECTURE_WIDTHS = Widths()


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        w = LECTURE_WIDTHS
        self.conv1 = nn.Conv2d(in_channels, w.first, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(w.first, w.second, kernel_size=5, padding=2)
        self.head = nn.Linear(w.second, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        h = max_pool2d(F.relu(self.conv1(x)), 2)
        h = max_pool2d(F.relu(self.conv2(h)), 2)
        h = F.adaptive_avg_pool2d(h, 1).flatten(1)        # global average pooling: any H, W ≥ 8
        return self.head(h)
