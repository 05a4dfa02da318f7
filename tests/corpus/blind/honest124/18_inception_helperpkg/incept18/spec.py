"""The InceptionA branch table (built at import): each branch is a list of (kind, out, kernel, pad)."""

from __future__ import annotations

from torch import nn

BRANCHES: dict[str, list[tuple[str, int, int, int]]] = {
    "b1x1": [("conv", 16, 1, 0)],
    "b5x5": [("conv", 16, 1, 0), ("conv", 24, 5, 2)],
    "b3x3": [("conv", 16, 1, 0), ("conv", 24, 3, 1), ("conv", 24, 3, 1)],
    "bpool": [("avg", 0, 3, 1), ("conv", 24, 1, 0)],
}
OUT_CHANNELS = sum(steps[-1][1] for steps in BRANCHES.values())   # 88


def build_branch(in_channels: int, steps: list[tuple[str, int, int, int]]) -> nn.Sequential:
    layers: list[nn.Module] = []
    c = in_channels
    for kind, out, k, pad in steps:
        if kind == "avg":
            layers.append(nn.AvgPool2d(k, stride=1, padding=pad))
        else:
            layers.append(nn.Conv2d(c, out, k, padding=pad))
            c = out
    return nn.Sequential(*layers)
