"""loss_kit — numerically careful building blocks for losses.py (a helper module)."""

from __future__ import annotations

import functools
from typing import Callable, Dict

import torch
import torch.nn.functional as F
from torch import Tensor

# Reductions registered once, at import time.
REDUCTIONS: Dict[str, Callable[[Tensor], Tensor]] = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}

# Low-precision floats are computed in float32 and cast back.
_UPCAST = {torch.float16: torch.float32, torch.bfloat16: torch.float32}


def reduce(t: Tensor, reduction: str) -> Tensor:
    try:
        fn = REDUCTIONS[reduction]
    except KeyError:
        raise ValueError(f"reduction must be one of {sorted(REDUCTIONS)}, not {reduction!r}") from None
    return fn(t)


def in_working_precision(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    """Run fn in float32 for half inputs, returning the input's dtype."""
    @functools.wraps(fn)
    def wrapper(x: Tensor, *args, **kwargs) -> Tensor:
        work = _UPCAST.get(x.dtype)
        if work is None:
            return fn(x, *args, **kwargs)
        return fn(x.to(work), *args, **kwargs).to(x.dtype)
    return wrapper


def logsumexp_keepdim(x: Tensor, dim: int) -> Tensor:
    """m + log Σ exp(x − m) with m the (detached) maximum along dim."""
    m = x.amax(dim=dim, keepdim=True).detach()
    return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))


def softplus(z: Tensor) -> Tensor:
    """torch's own softplus (allowed by the exercises)."""
    return F.softplus(z)
