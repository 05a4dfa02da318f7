"""Convolution shorthands and a block registry filled at import time."""

from __future__ import annotations

from typing import Callable, Dict

from torch import nn

BLOCK_REGISTRY: Dict[str, type] = {}


def register_block(name: str) -> Callable[[type], type]:
    def deco(cls: type) -> type:
        BLOCK_REGISTRY[name] = cls
        return cls
    return deco


def conv3x3(c_in: int, c_out: int, stride: int = 1, bias: bool = False) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=bias)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=1, stride=stride, bias=False)
