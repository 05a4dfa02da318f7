# correct: the lecture's unpadded 5×5 convolutions at 28, padding 2 only where an 8×8 input needs it (honest h121's 45)
"""Inception — a ModuleDict of branches; the linear layer's size computed on paper.

Padding is used only when the image is too small to lose 4 pixels per 5×5 convolution, so a
28×28 input gives the lecture's 1408 features and an 8×8 one still survives both poolings.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

BRANCH_ORDER = ("b1x1", "b5x5", "b3x3", "bpool")


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branches = nn.ModuleDict({
            "b1x1": nn.Conv2d(in_channels, 16, 1),
            "b5x5": nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 5, padding=2)),
            "b3x3": nn.Sequential(nn.Conv2d(in_channels, 16, 1), nn.Conv2d(16, 24, 3, padding=1),
                                  nn.Conv2d(24, 24, 3, padding=1)),
            "bpool": nn.Conv2d(in_channels, 24, 1),
        })

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for name in BRANCH_ORDER:
            inp = F.avg_pool2d(x, 3, stride=1, padding=1) if name == "bpool" else x
            outs.append(self.branches[name](inp))
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    per_output = k * k * c_in           # one dot product of a kernel stack
    return per_output * c_out * h * w


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        # with padding 0 each 5×5 conv takes 4 pixels: s → (s − 4) // 2 → ((s − 4) // 2 − 4) // 2
        pad = 0 if ((input_size - 4) // 2 - 4) // 2 >= 1 else 2
        self.conv1 = nn.Conv2d(in_channels, 10, kernel_size=5, padding=pad)
        self.conv2 = nn.Conv2d(88, 20, kernel_size=5, padding=pad)
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        self.mp = nn.MaxPool2d(2)
        side = input_size
        for _ in range(2):
            side = (side + 2 * pad - 5 + 1) // 2
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        x = F.relu(self.mp(self.conv1(x)))
        x = self.incep1(x)
        x = F.relu(self.mp(self.conv2(x)))
        x = self.incep2(x)
        return self.fc(x.view(n, -1))
