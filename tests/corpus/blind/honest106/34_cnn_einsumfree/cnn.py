"""CNN — conv2d by padding then as_strided-free window stacking; pooling via F.unfold; LeNet with adaptive pooling."""

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
            y = y + k[a, b] * x[a:a + ho, b:b + wo]
    return y


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return (n - k + 2 * padding) // stride + 1


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, c, h, w = x.shape
    o, _, kh, kw = weight.shape
    ho, wo = conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride)
    xp = F.pad(x, [padding] * 4)
    cols = xp.unfold(2, kh, stride).unfold(3, kw, stride)         # (N, C, Ho, Wo, kh, kw)
    cols = cols.permute(0, 2, 3, 1, 4, 5).reshape(n, ho, wo, c * kh * kw)
    out = (cols.unsqueeze(3) * weight.reshape(1, 1, 1, o, -1)).sum(-1)   # (N, Ho, Wo, O)
    if bias is not None:
        out = out + bias
    return out.permute(0, 3, 1, 2)


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    if stride is None:
        stride = kernel_size
    n, c, h, w = x.shape
    cols = F.unfold(x.reshape(n * c, 1, h, w), kernel_size=kernel_size, stride=stride)
    ho, wo = conv_output_size(h, kernel_size, 0, stride), conv_output_size(w, kernel_size, 0, stride)
    return cols.amax(dim=1).view(n, c, ho, wo)


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.c1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=2)
        self.c2 = nn.Conv2d(10, 20, kernel_size=5, padding=2)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(20 * 2 * 2, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = self.pool(x)
        return self.fc(x.flatten(1))
