# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""CNN — terse and typed; corr2d by list comprehension; conv2d by F.unfold + einsum; pooling by F.unfold."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch import nn as N


def corr2d(x: Tensor, k: Tensor) -> Tensor:
    kh, kw = k.shape
    H, W = x.shape
    return torch.stack([torch.stack([torch.sum(x[i:i + kh, j:j + kw] * k) for j in range(W - kw + 1)])
                        for i in range(H - kh + 1)])


def conv_output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    return 1 + (n + padding * 2 - k) // stride


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1, padding: int = 0) -> Tensor:
    n, _, h, w = x.shape
    o, _, kh, kw = weight.shape
    cols: Tensor = F.unfold(x, (kh, kw), dilation=1, padding=padding, stride=stride)
    y: Tensor = torch.einsum("ok,nkl->nol", weight.flatten(1), cols)
    if bias is not None:
        y = y + bias[:, None]
    return y.view(n, o, conv_output_size(h, kh, padding, stride), conv_output_size(w, kw, padding, stride))


def max_pool2d(x: Tensor, kernel_size: int, stride: int | None = None) -> Tensor:
    s: int = kernel_size if stride is None else stride
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, kernel_size, 0, s), conv_output_size(w, kernel_size, 0, s)
    # fold the channels into the batch so unfold's columns are one window of one channel
    cols: Tensor = F.unfold(x.reshape(n * c, 1, h, w), kernel_size, stride=s)    # (n·c, k·k, L)
    return cols.amax(dim=1).view(n, c, oh, ow)


class SimpleCNN(N.Module):
    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = N.Sequential(
            N.Conv2d(in_channels, 20, 3, padding=1), N.ReLU(), N.MaxPool2d(2),
            N.Conv2d(20, 40, 3, padding=1), N.ReLU(), N.MaxPool2d(2))
        self.fc = N.Linear(40, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self.features(x).mean(dim=(-2, -1)))
