"""CNN with im2col everywhere: F.unfold for conv, Tensor.unfold for pooling."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    windows = x.unfold(0, kh, 1).unfold(1, kw, 1)        # (H-kh+1, W-kw+1, kh, kw)
    return (windows * k).sum(dim=(-2, -1))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) / stride) + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    h_out = conv_output_size(h, kh, padding, stride)
    w_out = conv_output_size(w, kw, padding, stride)
    cols = F.unfold(x, kernel_size=(kh, kw), padding=padding, stride=stride)   # (n, c_in*kh*kw, L)
    w_flat = weight.reshape(c_out, c_in * kh * kw)
    out = torch.einsum("ok,nkl->nol", w_flat, cols)
    if bias is not None:
        out = out + bias.view(1, c_out, 1)
    return out.view(n, c_out, h_out, w_out)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    patches = x.unfold(2, kernel_size, s).unfold(3, kernel_size, s)
    n, c, ho, wo = patches.shape[:4]
    return patches.reshape(n, c, ho, wo, -1).max(dim=-1).values


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.block2 = nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.head = nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(32, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.block2(self.block1(x)))
