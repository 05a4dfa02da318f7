"""CNN using conv_utils.py beside this file; conv2d by tensordot-free broadcasting."""
from __future__ import annotations

import torch
from torch import Tensor, nn

from conv_utils import out_size, windows, zero_pad


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    Y = torch.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1), dtype=x.dtype, device=x.device)
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return Y


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    kh, kw = weight.shape[-2:]
    win = windows(zero_pad(x, padding), kh, kw, stride)          # (N, C, Ho, Wo, kh, kw)
    prod = win.unsqueeze(1) * weight[None, :, :, None, None]     # (N, O, C, Ho, Wo, kh, kw)
    out = prod.sum(dim=(2, 5, 6))
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return out_size(n, k, padding, stride)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = stride if stride is not None else kernel_size
    return windows(x, kernel_size, kernel_size, s).flatten(start_dim=4).max(dim=-1).values


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        )
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.classifier = nn.Linear(64 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))
