"""Inception described by data: each branch is a list of (in, out, kernel) specs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@dataclass(frozen=True)
class ConvSpec:
    c_in: int
    c_out: int
    k: int

    def build(self) -> nn.Conv2d:
        return nn.Conv2d(self.c_in, self.c_out, self.k, padding=(self.k - 1) // 2)


def _branch_specs(c: int) -> dict[str, List[ConvSpec]]:
    return {
        "b1x1": [ConvSpec(c, 16, 1)],
        "b5x5": [ConvSpec(c, 16, 1), ConvSpec(16, 24, 5)],
        "b3x3": [ConvSpec(c, 16, 1), ConvSpec(16, 24, 3), ConvSpec(24, 24, 3)],
        "bpool": [ConvSpec(c, 24, 1)],
    }


class InceptionA(nn.Module):
    ORDER: Sequence[str] = ("b1x1", "b5x5", "b3x3", "bpool")

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        specs = _branch_specs(in_channels)
        self.branches = nn.ModuleDict({name: nn.Sequential(*[s.build() for s in specs[name]]) for name in self.ORDER})

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for name in self.ORDER:
            inp = F.avg_pool2d(x, 3, stride=1, padding=1) if name == "bpool" else x
            outs.append(self.branches[name](inp))
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    outputs = h * w * c_out
    per_output = k * k * c_in
    return outputs * per_output


def _pooled(n: int) -> int:
    # 5×5 conv with padding 2 keeps n; 2×2 max pooling floors it
    return n // 2


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = ConvSpec(in_channels, 10, 5).build()
        self.conv2 = ConvSpec(88, 20, 5).build()
        self.incep1 = InceptionA(10)
        self.incep2 = InceptionA(20)
        side = _pooled(_pooled(input_size))
        self.fc = nn.Linear(88 * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = self.incep1(x)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.incep2(x)
        return self.fc(x.flatten(start_dim=1))


if __name__ == "__main__":
    print(conv_mults(28, 28, 192, 32, 5), conv_mults(28, 28, 192, 16, 1) + conv_mults(28, 28, 16, 32, 5))
    net = GoogLeNetMini(input_size=8)
    print(net(torch.zeros(2, 1, 8, 8)).shape)
    torch.save(net.state_dict(), "googlenet_mini.pt")
