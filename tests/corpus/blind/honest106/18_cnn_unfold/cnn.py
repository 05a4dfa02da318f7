"""CNN — im2col with F.unfold and Tensor.unfold, broadcasting instead of @, a dry-run sized classifier."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)     # (Ho, Wo, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) / stride) + 1 if (n + 2 * padding - k) >= 0 else 0


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    N, _, H, W = x.shape
    C_out, C_in, kh, kw = weight.shape
    cols = F.unfold(x, kernel_size=(kh, kw), stride=stride, padding=padding)   # (N, C_in*kh*kw, L)
    w2 = weight.reshape(C_out, C_in * kh * kw)
    out = (w2[None, :, :, None] * cols[:, None, :, :]).sum(dim=2)              # (N, C_out, L)
    if bias is not None:
        out = out + bias[None, :, None]
    Ho = conv_output_size(H, kh, padding, stride)
    Wo = conv_output_size(W, kw, padding, stride)
    return out.view(N, C_out, Ho, Wo)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride or kernel_size
    N, C, H, W = x.shape
    cols = F.unfold(x.reshape(N * C, 1, H, W), kernel_size, stride=stride)    # (N*C, k*k, L)
    Ho = (H - kernel_size) // stride + 1
    Wo = (W - kernel_size) // stride + 1
    return cols.max(dim=1).values.reshape(N, C, Ho, Wo)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(in_channels, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True))
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True))
        self.head = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.block2(self.block1(x))
        return self.head(x.mean(dim=(-2, -1)))
