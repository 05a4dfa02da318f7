"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """dW of a conv with input x and output gradient k is corr2d(x, k)."""
    kh, kw = k.shape
    out = torch.nn.grad.conv2d_weight(x[None, None], (1, 1, x.shape[0] - kh + 1, x.shape[1] - kw + 1), k[None, None])
    return out[0, 0]


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """conv2d_weight with batch and channels swapped, the stride as dilation."""
    n, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho, wo = conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)
    xp = F.pad(x, (padding, padding, padding, padding))[:, :, :kh + stride * (ho - 1), :kw + stride * (wo - 1)]
    out = torch.nn.grad.conv2d_weight(xp.transpose(0, 1), (c_out, n, ho, wo), weight.transpose(0, 1),
                                      stride=1, padding=0, dilation=stride).transpose(0, 1)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


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
