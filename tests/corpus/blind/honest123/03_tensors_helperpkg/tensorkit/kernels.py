"""Vectorised kernels, registered in a table by a decorator at import time."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

KERNELS: dict[str, Callable[..., Tensor]] = {}


def register(name: str) -> Callable[[Callable[..., Tensor]], Callable[..., Tensor]]:
    def wrap(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
        KERNELS[name] = fn
        return fn
    return wrap


@register("sqdist")
def sqdist(a: Tensor, b: Tensor) -> Tensor:
    """The expansion |a|^2 - 2 a.b + |b|^2, done with broadcasting only, clamped at 0."""
    aa = (a * a).sum(dim=1, keepdim=True)                 # (n, 1)
    bb = (b * b).sum(dim=1, keepdim=True).transpose(0, 1)  # (1, m)
    ab = (a[:, None, :] * b[None, :, :]).sum(dim=2)        # (n, m)
    return (aa - 2 * ab + bb).clamp_min(0)


@register("bmm_sum")
def bmm_sum(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(-1) * b.unsqueeze(0)).sum(dim=1)


@register("nanmean_cols")
def nanmean_cols(x: Tensor) -> Tensor:
    ok = ~torch.isnan(x)
    total = torch.where(ok, x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(dim=0)
    return total / ok.sum(dim=0)
