"""Factories for the Inception branches (imported by inception.py)."""

from __future__ import annotations

from typing import Sequence

from torch import nn


def conv_chain(in_channels: int, spec: Sequence[tuple[int, int]]) -> nn.Sequential:
    """spec: (out_channels, kernel) pairs; 'same' padding, bias on, no activation."""
    layers = []
    c = in_channels
    for out_c, k in spec:
        layers.append(nn.Conv2d(c, out_c, kernel_size=k, padding=k // 2, bias=True))
        c = out_c
    return nn.Sequential(*layers)


def pool_branch(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=True),
                         nn.Conv2d(in_channels, out_channels, kernel_size=1))


def flat_size(model: nn.Module, in_channels: int, size: int) -> int:
    import torch
    was = model.training
    model.eval()
    with torch.no_grad():
        n = model(torch.zeros(1, in_channels, size, size)).numel()
    model.train(was)
    return n
