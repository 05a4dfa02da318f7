"""CNN — corr2d as a custom autograd Function (hand-written backward with F.fold), a size switch in pooling."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.autograd.function import once_differentiable


class _Corr2d(torch.autograd.Function):
    """Y = Σ_ab X[i+a, j+b]·K[a, b]; dX is the kernel spread back by fold, dK the windows weighted by dY."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor, k: Tensor) -> Tensor:
        kh, kw = k.shape
        cols = F.unfold(x[None, None], (kh, kw))                 # (1, kh·kw, L)
        oh, ow = x.shape[0] - kh + 1, x.shape[1] - kw + 1
        y = (k.reshape(1, -1) @ cols[0]).reshape(oh, ow)
        ctx.save_for_backward(cols, k)
        ctx.in_shape = tuple(x.shape)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", gy: Tensor):
        cols, k = ctx.saved_tensors
        kh, kw = k.shape
        g = gy.reshape(1, -1)                                      # (1, L)
        gk = (cols[0] @ g.t()).reshape(kh, kw) if ctx.needs_input_grad[1] else None
        gx = None
        if ctx.needs_input_grad[0]:
            spread = k.reshape(-1, 1) * g                          # (kh·kw, L)
            gx = F.fold(spread[None], ctx.in_shape, (kh, kw))[0, 0]
        return gx, gk


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Single-channel cross-correlation through the custom Function."""
    return _Corr2d.apply(x, k)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Floor division of the padded span by the stride, plus one."""
    span = n + 2 * padding - k
    return span // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """F.pad then F.unfold, one einsum with the flattened filters."""
    n = x.shape[0]
    c_out, _, kh, kw = weight.shape
    xp = F.pad(x, [padding] * 4) if padding else x
    oh = conv_output_size(x.shape[2], kh, padding, stride)
    ow = conv_output_size(x.shape[3], kw, padding, stride)
    cols = F.unfold(xp, (kh, kw), stride=stride)                   # (N, C·kh·kw, L)
    out = torch.einsum("ok,nkl->nol", weight.reshape(c_out, -1), cols)
    if bias is not None:
        out = out + bias.view(1, -1, 1)
    return out.reshape(n, c_out, oh, ow)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Size switch: non-overlapping windows by a reshape, overlapping ones by Tensor.unfold."""
    k = kernel_size
    s = k if stride is None else stride
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    if s == k:
        tiles = x[:, :, : oh * k, : ow * k].reshape(n, c, oh, k, ow, k)
        return tiles.amax(dim=(3, 5))
    return x.unfold(2, k, s).unfold(3, k, s).reshape(n, c, oh, ow, k * k).amax(-1)


@dataclass
class CNNConfig:
    channels: tuple = (12, 24)
    kernel: int = 3
    grid: int = 2          # adaptive pooling to grid×grid before the flatten head


class SimpleCNN(nn.Module):
    """conv → relu → pool twice; adaptive pooling to a fixed grid, so any input ≥ 8×8 works."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        cfg = CNNConfig()
        c1, c2 = cfg.channels
        self.conv1 = nn.Conv2d(in_channels, c1, cfg.kernel, padding=cfg.kernel // 2)
        self.conv2 = nn.Conv2d(c1, c2, cfg.kernel, padding=cfg.kernel // 2)
        self.grid = nn.AdaptiveAvgPool2d(cfg.grid)
        self.fc = nn.Linear(c2 * cfg.grid * cfg.grid, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(self.grid(x).flatten(1))
