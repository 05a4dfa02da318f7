"""Inception exercises driven by a typed branch specification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

import torch
from torch import Tensor, nn


@dataclass(frozen=True)
class Branch:
    convs: Tuple[Tuple[int, int], ...]      # (out_channels, kernel)
    pool_first: bool = False


LECTURE_BRANCHES: Tuple[Branch, ...] = (
    Branch(((16, 1),)),
    Branch(((16, 1), (24, 5))),
    Branch(((16, 1), (24, 3), (24, 3))),
    Branch(((24, 1),), pool_first=True),
)


class InceptionA(nn.Module):
    out_channels: int = sum(b.convs[-1][0] for b in LECTURE_BRANCHES)    # 88

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        paths: List[nn.Module] = []
        for spec in LECTURE_BRANCHES:
            layers: List[nn.Module] = [nn.AvgPool2d(3, 1, 1)] if spec.pool_first else []
            c = in_channels
            for out_c, k in spec.convs:
                layers.append(nn.Conv2d(c, out_c, k, padding=(k - 1) // 2))
                c = out_c
            paths.append(nn.Sequential(*layers))
        self.paths = nn.ModuleList(paths)

    def forward(self, x: Tensor) -> Tensor:
        outs: List[Tensor] = [p(x) for p in self.paths]
        return torch.cat(outs, dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return h * w * c_out * c_in * k ** 2


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.stage1 = nn.Sequential(nn.Conv2d(in_channels, 10, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.incep1 = InceptionA(10)
        self.stage2 = nn.Sequential(nn.Conv2d(InceptionA.out_channels, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.incep2 = InceptionA(20)
        side: int = input_size // 2 // 2
        self.fc = nn.Linear(InceptionA.out_channels * side * side, num_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.incep1(self.stage1(x))
        x = self.incep2(self.stage2(x))
        return self.fc(x.reshape(x.shape[0], -1))
