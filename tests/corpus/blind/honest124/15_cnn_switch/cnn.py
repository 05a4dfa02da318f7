"""CNN — size switches: small kernels by summing shifted (strided) slices, large ones by unfold."""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import Tensor, nn

SMALL_KERNEL = 9          # kh·kw up to this: shifted slices; above: unfold
# Module-level template of the lecture's network: (out_channels, kernel, padding) per conv stage.
STAGES = ((10, 5, 2), (20, 5, 2))


def _window_offsets(kh: int, kw: int):
    return itertools.product(range(kh), range(kw))


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    ho, wo = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    if kh * kw <= SMALL_KERNEL:
        out = None
        for a, b in _window_offsets(kh, kw):
            term = k[a, b] * x[a:a + ho, b:b + wo]
            out = term if out is None else out + term
        return out
    return (x.unfold(0, kh, 1).unfold(1, kw, 1) * k).sum((2, 3))


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho, wo = conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)
    if kh * kw <= SMALL_KERNEL:
        xp = F.pad(x, (padding, padding, padding, padding)) if padding else x
        out = x.new_zeros(n, c_out, ho, wo)
        for a, b in _window_offsets(kh, kw):
            patch = xp[:, :, a:a + stride * (ho - 1) + 1:stride, b:b + stride * (wo - 1) + 1:stride]
            out = out + torch.einsum("oc,nchw->nohw", weight[:, :, a, b], patch)
    else:
        cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
        out = (weight.reshape(c_out, -1) @ cols).reshape(n, c_out, ho, wo)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = kernel_size if stride is None else stride
    k = kernel_size
    ho, wo = conv_output_size(x.shape[2], k, 0, s), conv_output_size(x.shape[3], k, 0, s)
    if k * k <= SMALL_KERNEL:
        out = None
        for a, b in _window_offsets(k, k):
            patch = x[:, :, a:a + s * (ho - 1) + 1:s, b:b + s * (wo - 1) + 1:s]
            out = patch if out is None else torch.maximum(out, patch)
        return out
    return x.unfold(2, k, s).unfold(3, k, s).amax(dim=(-2, -1))


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c = in_channels
        for c_out, k, p in STAGES:
            layers += [nn.Conv2d(c, c_out, k, padding=p), nn.ReLU(), nn.MaxPool2d(2)]
            c = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))
