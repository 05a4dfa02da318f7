"""CNNs — everything by summing over kernel offsets (a loop over the kernel, not the image).

The lecture's network keeps its 10 and 20 channels and 5×5 kernels (padding 2 so 8×8 survives),
with an adaptive average pool to 2×2 before a flatten head.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    y = x.new_zeros((oh, ow))
    for a in range(kh):
        for b in range(kw):
            y = y + x[a:a + oh, b:b + ow] * k[a, b]
    return y


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    c_out, c_in, kh, kw = weight.shape
    xp = F.pad(x, (padding, padding, padding, padding)) if padding > 0 else x
    oh = (xp.shape[2] - kh) // stride + 1
    ow = (xp.shape[3] - kw) // stride + 1
    out = None
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]  # (N, C_in, oh, ow)
            term = torch.einsum("nchw,oc->nohw", patch, weight[:, :, a, b])
            out = term if out is None else out + term
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    span = n + 2 * padding - k
    return span // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    stride = stride or kernel_size
    h, w = x.shape[-2:]
    oh = (h - kernel_size) // stride + 1
    ow = (w - kernel_size) // stride + 1
    best = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            view = x[..., a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
            best = view if best is None else torch.maximum(best, view)
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pooling = nn.MaxPool2d(2)
        self.squeeze = nn.AdaptiveAvgPool2d((2, 2))
        self.fc = nn.Linear(20 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        batch = x.size(0)
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        x = self.squeeze(x).view(batch, -1)
        return self.fc(x)
