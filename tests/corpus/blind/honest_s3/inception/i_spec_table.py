# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Inception — branches from a spec table (a fixed list of layer specs), numpy for the count, sizes by formula."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

# (name, [(out_channels, kernel)...]) — the lecture's four branches; None stands for the in_channels
BRANCH_SPECS = (
    ("b1x1", ((16, 1),)),
    ("b5x5", ((16, 1), (24, 5))),
    ("b3x3", ((16, 1), (24, 3), (24, 3))),
    ("bpool", ((24, 1),)),
)


def _same_conv(c_in: int, c_out: int, k: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=k, padding=(k - 1) // 2, bias=True)


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch_layers = nn.ModuleList()
        for _name, layers in BRANCH_SPECS:
            convs, c = nn.ModuleList(), in_channels
            for c_out, k in layers:
                convs.append(_same_conv(c, c_out, k))
                c = c_out
            self.branch_layers.append(convs)
        self.out_channels = sum(layers[-1][0] for _n, layers in BRANCH_SPECS)

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for (name, _layers), convs in zip(BRANCH_SPECS, self.branch_layers):
            h = F.avg_pool2d(x, 3, 1, 1) if name == "bpool" else x
            for conv in convs:
                h = conv(h)
            outs.append(h)
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return int(np.prod(np.array([k, k, c_in, c_out, h, w], dtype=np.int64)))


def _after_pool(n: int) -> int:
    return (n - 2) // 2 + 1          # 2×2 max pool, stride 2, no padding


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = _same_conv(in_channels, 10, 5)
        self.block1 = InceptionA(10)
        self.conv2 = _same_conv(self.block1.out_channels, 20, 5)
        self.block2 = InceptionA(20)
        side = _after_pool(_after_pool(input_size))
        self.fc = nn.Linear(self.block2.out_channels * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.block1(F.max_pool2d(self.conv1(x), 2).relu())
        x = self.block2(F.max_pool2d(self.conv2(x), 2).relu())
        return self.fc(x.reshape(x.shape[0], -1))
