"""Convolutional networks — reference solution. The specification is the docstrings in exercises/cnn.py."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    """Rows unfolded into channels, a 1-D conv along W."""
    kh, kw = k.shape
    inp = x.unfold(0, kh, 1).permute(1, 0, 2).contiguous()    # (W, H_out, kh)
    out = torch.conv_tbc(inp, k.T[:, :, None].contiguous(), torch.zeros(1, dtype=x.dtype, device=x.device), 0)
    return out[:, :, 0].T


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    """conv_tbc along W over (channel, kernel-row) channels; stride by slicing."""
    n, c, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    ho, wo = conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)
    xp = F.pad(x, (padding, padding, padding, padding))
    rows = xp.unfold(2, kh, stride)[:, :, :ho]                 # (N, C, H_out, Wp, kh)
    inp = rows.permute(3, 0, 2, 1, 4).reshape(xp.shape[3], n * ho, c * kh).contiguous()
    wt = weight.permute(3, 1, 2, 0).reshape(kw, c * kh, c_out).contiguous()
    b = bias if bias is not None else torch.zeros(c_out, dtype=x.dtype, device=x.device)
    out = torch.conv_tbc(inp, wt, b, 0)[::stride][:wo]         # (W_out, N*H_out, C_out)
    return out.reshape(wo, n, ho, c_out).permute(1, 3, 2, 0)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """⌊(n + 2p − k)/s⌋ + 1."""
    return (n + 2 * padding - k) // stride + 1


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    """Windows along H and W, then the max of each."""
    stride = stride or kernel_size
    windows = x.unfold(2, kernel_size, stride).unfold(3, kernel_size, stride)   # (N, C, Ho, Wo, k, k)
    return windows.flatten(-2).amax(dim=-1)


class SimpleCNN(nn.Module):
    """conv-relu-pool twice, global average pooling, linear."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(1))
        self.classifier = nn.Linear(32, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x).flatten(1))
