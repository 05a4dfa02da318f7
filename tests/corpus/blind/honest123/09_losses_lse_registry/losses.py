"""Losses — LogSumExp written out, with the reductions registered in a table at import."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

# ---- module-level tables ---------------------------------------------------------------
REDUCTIONS: dict[str, Callable[[Tensor], Tensor]] = {}


def reduction(name: str) -> Callable[[Callable[[Tensor], Tensor]], Callable[[Tensor], Tensor]]:
    def add(fn: Callable[[Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
        REDUCTIONS[name] = fn
        return fn
    return add


@reduction("mean")
def reduce_mean(t: Tensor) -> Tensor:
    return t.mean()


@reduction("sum")
def reduce_sum(t: Tensor) -> Tensor:
    return t.sum()


@reduction("none")
def reduce_none(t: Tensor) -> Tensor:
    return t


LOG_FLOOR: float = -100.0
# the floor as a tensor per dtype, built once (moved to the input's device on use)
LOG_FLOOR_BY_DTYPE: dict[torch.dtype, Tensor] = {
    dt: torch.tensor(LOG_FLOOR, dtype=dt) for dt in (torch.float16, torch.bfloat16, torch.float32, torch.float64)
}


def apply_reduction(values: Tensor, name: str) -> Tensor:
    if name not in REDUCTIONS:
        raise ValueError(f"unknown reduction {name!r}; expected one of {sorted(REDUCTIONS)}")
    return REDUCTIONS[name](values)


def lse(x: Tensor, dim: int) -> Tensor:
    """log Σ exp(x) along dim, keepdim, by the max shift."""
    m = x.amax(dim=dim, keepdim=True)
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m)).detach()
    return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = y_hat - y
    return apply_reduction(d * d, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return apply_reduction(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = torch.abs(y_hat - y)
    inside = d <= delta
    d_in = torch.where(inside, d, torch.zeros_like(d))        # never squares a large d
    quad = 0.5 * d_in * d_in
    lin = delta * (d - 0.5 * delta)
    return torch.where(inside, quad, lin).mean()


def softplus(z: Tensor) -> Tensor:
    """max(z, 0) + log1p(e^(−|z|)): the exponent is never positive."""
    return torch.clamp_min(z, 0) + torch.log1p(torch.exp(-torch.abs(z)))


def sigmoid(x: Tensor) -> Tensor:
    # log σ(x) = −softplus(−x), so σ(x) = exp(−softplus(−x)): finite everywhere, tails kept
    return torch.exp(-softplus(-x))


def floored_log(t: Tensor) -> Tensor:
    floor = LOG_FLOOR_BY_DTYPE[t.dtype].to(t.device) if t.dtype in LOG_FLOOR_BY_DTYPE else LOG_FLOOR
    return torch.clamp(torch.log(t), min=floor)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * floored_log(p) + (1 - y) * floored_log(1 - p)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * softplus(-logits) + (1 - y) * softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(x - lse(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - lse(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.dim() == logits.dim():
        return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
    picked = torch.gather(logp, 1, target.reshape(-1, 1)).squeeze(1)
    return -picked.mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
