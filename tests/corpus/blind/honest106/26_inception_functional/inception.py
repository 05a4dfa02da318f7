"""Inception — a branch helper class with a property for its output width; LazyLinear-free dry run via a helper."""

from __future__ import annotations

from functools import reduce
from operator import mul
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class Branch(nn.Sequential):
    """Convolutions in a row, each keeping H and W (padding k // 2)."""

    def __init__(self, in_channels: int, spec: Sequence[Tuple[int, int]], pool_first: bool = False) -> None:
        layers: list[nn.Module] = [nn.AvgPool2d(3, 1, 1)] if pool_first else []
        c = in_channels
        for out_c, k in spec:
            layers.append(nn.Conv2d(c, out_c, k, padding=k // 2))
            c = out_c
        super().__init__(*layers)
        self._out = c

    @property
    def out_channels(self) -> int:
        return self._out


class InceptionA(nn.Module):
    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.b1x1 = Branch(in_channels, [(16, 1)])
        self.b5x5 = Branch(in_channels, [(16, 1), (24, 5)])
        self.b3x3 = Branch(in_channels, [(16, 1), (24, 3), (24, 3)])
        self.bpool = Branch(in_channels, [(24, 1)], pool_first=True)

    @property
    def out_channels(self) -> int:
        return sum(b.out_channels for b in (self.b1x1, self.b5x5, self.b3x3, self.bpool))

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([self.b1x1(x), self.b5x5(x), self.b3x3(x), self.bpool(x)], dim=1)


def conv_mults(h: int, w: int, c_in: int, c_out: int, k: int) -> int:
    return reduce(mul, [k, k, c_in, c_out, h, w], 1)


class GoogLeNetMini(nn.Module):
    def __init__(self, in_channels: int = 1, num_classes: int = 10, input_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 10, 5, padding=2)
        self.incep1 = InceptionA(10)
        self.conv2 = nn.Conv2d(self.incep1.out_channels, 20, 5, padding=2)
        self.incep2 = InceptionA(20)
        self.fc = nn.Linear(self._flat_size(in_channels, input_size), num_classes)

    def _flat_size(self, in_channels: int, input_size: int) -> int:
        with torch.no_grad():
            return self._body(torch.zeros(2, in_channels, input_size, input_size)).shape[1]

    def _body(self, x: Tensor) -> Tensor:
        x = self.incep1(F.relu(F.max_pool2d(self.conv1(x), 2)))
        x = self.incep2(F.relu(F.max_pool2d(self.conv2(x), 2)))
        return x.reshape(x.shape[0], -1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(self._body(x))


if __name__ == "__main__":
    net = GoogLeNetMini(1, 10, 28)
    print(net(torch.randn(2, 1, 28, 28)).shape, conv_mults(28, 28, 192, 32, 5))
