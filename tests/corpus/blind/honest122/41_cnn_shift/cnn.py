"""CNN exercises by shifting: sum (or max) over kernel offsets of strided slices, accumulated in place."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    ho, wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    y = torch.zeros(ho, wo, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for b in range(kw):
            y += x[a:a + ho, b:b + wo] * k[a, b]           # in place on a tensor made here
    return y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n - k + 2 * padding) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    ho = conv_output_size(h, kh, padding, stride)
    wo = conv_output_size(w, kw, padding, stride)
    xp = F.pad(x, [padding] * 4)
    out = torch.zeros(n, o, ho, wo, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]   # (n, c, ho, wo)
            out = out + torch.tensordot(patch, weight[:, :, a, b], dims=([1], [1])).permute(0, 3, 1, 2)
    if bias is not None:
        out = out + bias.view(1, o, 1, 1)
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = stride or kernel_size
    h, w = x.shape[-2:]
    ho, wo = (h - kernel_size) // s + 1, (w - kernel_size) // s + 1
    best = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            cand = x[..., a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            best = cand if best is None else torch.maximum(best, cand)
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = F.adaptive_max_pool2d(x, 1).flatten(1)
        return self.fc(x)
