"""CNN — the convolution as a sum over kernel offsets of shifted, strided slices (no unfold)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    # Y = Σ_{a,b} K[a,b] · X[a:a+oh, b:b+ow]
    return sum(k[a, b] * x[a:a + oh, b:b + ow] for a in range(kh) for b in range(kw))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    span = n + 2 * padding - k
    return span // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    _, _, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    xp = F.pad(x, (padding, padding, padding, padding))
    oh = conv_output_size(h, kh, padding, stride)
    ow = conv_output_size(w, kw, padding, stride)
    out = None
    for a in range(kh):
        for b in range(kw):
            window = xp[:, :, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            term = torch.einsum("nchw,oc->nohw", window, weight[:, :, a, b])
            out = term if out is None else out + term
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride or kernel_size
    h, w = x.shape[-2:]
    oh = (h - kernel_size) // stride + 1
    ow = (w - kernel_size) // stride + 1
    best = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            cand = x[..., a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            best = cand if best is None else torch.maximum(best, cand)
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.head = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        f = self.features(x)
        return self.head(f.mean(dim=(2, 3)))
