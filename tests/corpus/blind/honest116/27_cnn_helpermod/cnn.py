"""CNN topic; sliding windows come from conv_utils.py next to this file."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from conv_utils import windows


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    rows = []
    for i in range(x.shape[0] - kh + 1):
        row = [(x[i:i + kh, j:j + kw] * k).sum() for j in range(x.shape[1] - kw + 1)]
        rows.append(torch.stack(row))
    return torch.stack(rows)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    kh, kw = weight.shape[2:]
    win = windows(x, kh, kw, stride, padding)                 # (N, C_in, Ho, Wo, kh, kw)
    out = torch.einsum("ncijab,ocab->noij", win, weight)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) / stride) + 1 if (n + 2 * padding - k) >= 0 else 0


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = stride or kernel_size
    return windows(x, kernel_size, kernel_size, s).amax(dim=(-2, -1))


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
