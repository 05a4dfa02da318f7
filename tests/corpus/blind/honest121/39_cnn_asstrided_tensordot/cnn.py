"""CNNs — sliding windows with as_strided (on a contiguous copy), contractions with tensordot."""

from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _windows(x: Tensor, kh: int, kw: int, stride: int) -> Tensor:
    """(N, C, H, W) → (N, C, oh, ow, kh, kw) strided windows over a contiguous copy of x."""
    x = x.contiguous()
    n, c, h, w = x.shape
    oh = (h - kh) // stride + 1
    ow = (w - kw) // stride + 1
    sn, sc, sh, sw = x.stride()
    return x.as_strided((n, c, oh, ow, kh, kw), (sn, sc, sh * stride, sw * stride, sh, sw))


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    win = _windows(x[None, None], kh, kw, 1)[0, 0]        # (oh, ow, kh, kw)
    return torch.tensordot(win, k, dims=([2, 3], [0, 1]))


def conv2d(x: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: int = 1, padding: int = 0) -> Tensor:
    if padding:
        x = F.pad(x, [padding] * 4)
    _, _, kh, kw = weight.shape
    win = _windows(x, kh, kw, stride)                      # (N, C, oh, ow, kh, kw)
    out = torch.tensordot(win, weight, dims=([1, 4, 5], [1, 2, 3]))   # (N, oh, ow, C_out)
    if bias is not None:
        out = out + bias
    return out.permute(0, 3, 1, 2)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return int((n + 2 * padding - k) // stride) + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: Optional[int] = None) -> Tensor:
    s = kernel_size if stride is None else stride
    win = _windows(x, kernel_size, kernel_size, s)
    return win.reshape(*win.shape[:4], -1).max(dim=-1).values


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 24, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(24, 48, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(48, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        f = self.features(x)
        return self.head(f.mean(dim=(2, 3)))
