"""Convolution factories for inception.py (functools.partial over nn.Conv2d)."""

from __future__ import annotations

import functools

from torch import nn

conv1x1 = functools.partial(nn.Conv2d, kernel_size=1)
conv3x3 = functools.partial(nn.Conv2d, kernel_size=3, padding=1)
conv5x5 = functools.partial(nn.Conv2d, kernel_size=5, padding=2)


def chain(*modules: nn.Module) -> nn.Sequential:
    return nn.Sequential(*modules)
