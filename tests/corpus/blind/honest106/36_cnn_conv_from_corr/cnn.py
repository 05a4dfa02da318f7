"""CNN — conv2d built on corr2d (d2l's corr2d_multi_in_out), with stride by slicing; pooling by reshape when it tiles."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    h, w = k.shape
    return torch.stack([
        torch.stack([(x[i:i + h, j:j + w] * k).sum() for j in range(x.shape[1] - w + 1)])
        for i in range(x.shape[0] - h + 1)
    ])


def corr2d_multi_in(x: Tensor, k: Tensor) -> Tensor:
    return sum(corr2d(xc, kc) for xc, kc in zip(x, k))


def corr2d_multi_in_out(x: Tensor, k: Tensor) -> Tensor:
    return torch.stack([corr2d_multi_in(x, kk) for kk in k], 0)


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n + 2 * padding - k) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    xp = F.pad(x, (padding, padding, padding, padding)) if padding > 0 else x
    outs = torch.stack([corr2d_multi_in_out(sample, weight) for sample in xp])   # stride 1
    outs = outs[:, :, ::stride, ::stride]
    if bias is not None:
        outs = outs + bias.reshape(1, -1, 1, 1)
    return outs


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s = stride or kernel_size
    n, c, h, w = x.shape
    k = kernel_size
    if s == k and h % k == 0 and w % k == 0:
        return x.reshape(n, c, h // k, k, w // k, k).amax(dim=(3, 5))
    win = x.unfold(2, k, s).unfold(3, k, s)
    return win.reshape(*win.shape[:4], -1).max(dim=-1).values


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, 12, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(12, 24, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveMaxPool2d(1), nn.Flatten(),
            nn.Linear(24, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)
