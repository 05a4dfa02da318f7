"""Inception built from a branch spec table (ModuleDict), size computed with conv arithmetic."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# (kernel, out_channels, padding) per conv, after the 1x1 reduction where one is listed
BRANCHES = {
    "b1x1": [(1, 16, 0)],
    "b5x5": [(1, 16, 0), (5, 24, 2)],
    "b3x3": [(1, 16, 0), (3, 24, 1), (3, 24, 1)],
}


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.paths = nn.ModuleDict()
        for name, spec in BRANCHES.items():
            layers, c = [], in_channels
            for k, out, pad in spec:
                layers.append(nn.Conv2d(c, out, k, padding=pad))
                c = out
            self.paths[name] = nn.Sequential(*layers)
        self.pool_proj = nn.Conv2d(in_channels, 24, 1)

    def forward(self, x: Tensor) -> Tensor:
        outs = [self.paths[name](x) for name in ("b1x1", "b5x5", "b3x3")]
        outs.append(self.pool_proj(F.avg_pool2d(x, 3, 1, 1)))
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return int(h) * int(w) * int(c_out) * (int(k) ** 2) * int(c_in)


def _after(n: int, k: int, p: int, s: int = 1) -> int:
    return (n + 2 * p - k) // s + 1


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 3, padding=1)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(88, 20, 3, padding=1)
        self.incep2 = InceptionA(20)
        side = input_size
        for _ in range(2):
            side = _after(side, 3, 1)      # conv keeps the size
            side = _after(side, 2, 0, 2)   # 2x2 max pool halves it
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return self.fc(torch.flatten(x, 1))
