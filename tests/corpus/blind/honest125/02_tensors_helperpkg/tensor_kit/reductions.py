"""Reductions, plus a registry of them built at import time."""

from __future__ import annotations

from typing import Callable, Dict

import torch
from torch import Tensor


def _l1(x: Tensor) -> Tensor:
    return x.abs().sum()


def _l2(x: Tensor) -> Tensor:
    return torch.sqrt((x * x).sum())


REDUCERS: Dict[str, Callable[[Tensor], Tensor]] = {}
for _name, _fn in (("l1", _l1), ("l2", _l2)):
    REDUCERS[_name] = _fn


def masked_mean(values: Tensor, keep: Tensor, dim: int) -> Tensor:
    """Mean over `dim` of the entries where keep is True."""
    weights = keep.to(values.dtype)
    summed = torch.where(keep, values, torch.zeros_like(values)).sum(dim=dim)
    return summed / weights.sum(dim=dim)
