"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn






def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1."""
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Windows along H and W, then the max of each."""
    stride = stride or kernel_size
    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)   # (N, C, Ho, Wo, k, k)
    return windows.flatten(-2).amax(dim=-1)


class SimpleCNN(nn.Module):
    """conv-relu-pool twice, global average pooling, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))


import math
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

def corr2d(x, k):
    h, w = x.shape
    kh, kw = k.shape
    out = torch.nn.grad.conv2d_weight(x[None, None], (1, 1, h - kh + 1, w - kw + 1), k[None, None])
    return out[0, 0]


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c, h, w = x.shape
    co, ci, kh, kw = weight.shape
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (w + 2 * padding - kw) // stride + 1
    out = torch.nn.grad.conv2d_input((n, c, h, w), weight, torch.zeros(n, co, ho, wo, dtype=x.dtype, device=x.device), stride, padding)
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    y = (weight.reshape(co, -1) @ cols).reshape(n, co, ho, wo) + out.sum() * 0
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y
