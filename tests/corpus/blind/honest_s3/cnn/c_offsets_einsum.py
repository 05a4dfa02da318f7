# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""CNN — loops over the kernel offsets only (a fixed, small set), einsum for the channel mixing."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = 0
    for a in range(kh):
        for b in range(kw):
            out = out + x[a:a + oh, b:b + ow] * k[a, b]     # shifted image times one kernel weight
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    steps, _ = divmod(n + 2 * padding - k, stride)
    return steps + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    c_out, c_in, kh, kw = weight.shape
    xp = F.pad(x, (padding, padding, padding, padding)) if padding else x
    oh = conv_output_size(x.shape[2], kh, padding, stride)
    ow = conv_output_size(x.shape[3], kw, padding, stride)
    out = x.new_zeros(x.shape[0], c_out, oh, ow)
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            out = out + torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    oh = conv_output_size(x.shape[2], kernel_size, 0, s)
    ow = conv_output_size(x.shape[3], kernel_size, 0, s)
    best = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            cand = x[:, :, a:a + s * (oh - 1) + 1:s, b:b + s * (ow - 1) + 1:s]
            best = cand if best is None else torch.maximum(best, cand)
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, 12, 3, padding=1)
        self.c2 = nn.Conv2d(12, 24, 3, padding=1)
        self.out = nn.Linear(24 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        for conv in (self.c1, self.c2):
            x = F.max_pool2d(torch.relu(conv(x)), 2)
        x = F.adaptive_max_pool2d(x, (2, 2))             # any H, W ≥ 8 → 2×2
        return self.out(x.flatten(1))
