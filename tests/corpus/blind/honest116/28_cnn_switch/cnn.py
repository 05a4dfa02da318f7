"""CNN topic — typed; conv2d switches formulation by kernel size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

SMALL_KERNEL = 9   # kh*kw at or below this: loop over kernel offsets; above: im2col


@dataclass(frozen=True)
class ConvGeometry:
    h: int
    w: int
    kh: int
    kw: int
    stride: int
    padding: int

    @property
    def out_hw(self) -> Tuple[int, int]:
        return (conv_output_size(self.h, self.kh, self.padding, self.stride),
                conv_output_size(self.w, self.kw, self.padding, self.stride))


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    ho, wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = x.new_zeros((ho, wo))
    # accumulate one kernel tap at a time: out += k[a, b] * shifted x
    for a in range(kh):
        for b in range(kw):
            out = out + k[a, b] * x[a:a + ho, b:b + wo]
    return out


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def _conv_taps(xp: Tensor, weight: Tensor, g: ConvGeometry) -> Tensor:
    ho, wo = g.out_hw
    out: Optional[Tensor] = None
    for a in range(g.kh):
        for b in range(g.kw):
            patch = xp[:, :, a:a + g.stride * (ho - 1) + 1:g.stride, b:b + g.stride * (wo - 1) + 1:g.stride]
            term = (patch.unsqueeze(1) * weight[:, :, a, b][None, :, :, None, None]).sum(2)
            out = term if out is None else out + term
    assert out is not None
    return out


def _conv_im2col(x: Tensor, weight: Tensor, g: ConvGeometry) -> Tensor:
    cols = F.unfold(x, (g.kh, g.kw), padding=g.padding, stride=g.stride)      # (N, C*kh*kw, L)
    w2 = weight.flatten(1)                                                   # (C_out, C*kh*kw)
    out = (w2[None, :, :, None] * cols[:, None, :, :]).sum(2)                # (N, C_out, L)
    ho, wo = g.out_hw
    return out.reshape(x.shape[0], weight.shape[0], ho, wo)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    g = ConvGeometry(x.shape[2], x.shape[3], weight.shape[2], weight.shape[3], stride, padding)
    if g.kh * g.kw <= SMALL_KERNEL:
        xp = F.pad(x, [padding] * 4) if padding > 0 else x
        out = _conv_taps(xp, weight, g)
    else:
        out = _conv_im2col(x, weight, g)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s: int = kernel_size if stride is None else stride
    ho = conv_output_size(x.shape[2], kernel_size, 0, s)
    wo = conv_output_size(x.shape[3], kernel_size, 0, s)
    best: Optional[Tensor] = None
    for a in range(kernel_size):
        for b in range(kernel_size):
            cand = x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            best = cand if best is None else torch.maximum(best, cand)
    assert best is not None
    return best


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.conv1: nn.Conv2d = nn.Conv2d(in_channels, 10, kernel_size=3, padding=1)
        self.conv2: nn.Conv2d = nn.Conv2d(10, 20, kernel_size=3, padding=1)
        self.fc: nn.Linear = nn.Linear(20, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.mean(dim=(2, 3))           # global average pooling: any H, W >= 8 works
        return self.fc(x)
