"""CNN — the window bookkeeping lives in windows.py beside this file."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from windows import out_size, windows


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    win = windows(x[None, None], kh, kw, 1)[0, 0]           # (oh, ow, kh, kw)
    return (win * k).sum(dim=(-2, -1))


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    xp = F.pad(x, (padding,) * 4) if padding > 0 else x
    win = windows(xp, weight.shape[2], weight.shape[3], stride)   # (N, C, oh, ow, kh, kw)
    y = torch.einsum("ncijab,ocab->noij", win, weight)
    if bias is not None:
        y = y + bias.reshape(1, -1, 1, 1)
    return y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return out_size(n, k, padding, stride)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    win = windows(x, kernel_size, kernel_size, stride if stride is not None else kernel_size)
    return win.flatten(start_dim=-2).max(dim=-1).values


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(in_channels, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.block2 = nn.Sequential(nn.Conv2d(12, 24, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(24, num_classes))

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.pool(self.block2(self.block1(x))))
