"""Hand-written activations, registered by name at import."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor, nn

REGISTRY: dict[str, Callable[[Tensor], Tensor]] = {}


def register(name: str):
    def deco(fn: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
        REGISTRY[name] = fn
        return fn
    return deco


@register("relu")
def rectify(x: Tensor) -> Tensor:
    return torch.maximum(x, torch.zeros((), dtype=x.dtype, device=x.device))


@register("tanh")
def smooth_tanh(x: Tensor) -> Tensor:
    a = x.abs()
    e = torch.exp(-2 * a)
    t = -torch.expm1(-2 * a) / (1 + e)          # (1 − e)/(1 + e), accurate for small |x|
    return torch.where(x < 0, -t, t)


@register("sigmoid")
def logistic(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def hard_sigmoid(x: Tensor) -> Tensor:
    return rectify(x + 0.5) - rectify(x - 0.5)


class Activation(nn.Module):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.fn = REGISTRY[name]

    def forward(self, x: Tensor) -> Tensor:
        return self.fn(x)


def activation_module(name: str) -> nn.Module:
    if name not in REGISTRY:
        raise ValueError(f"activation must be one of {sorted(REGISTRY)}, got {name!r}")
    return Activation(name)
