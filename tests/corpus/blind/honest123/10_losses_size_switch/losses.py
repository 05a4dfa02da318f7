"""Losses — with size switches: one vectorised formula for small inputs, another for large.

At import, both softmax formulas are checked against each other on a tiny tensor.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

SMALL: int = 64          # along-dim sizes up to this use the direct exp-normalise path
LOG_MIN: float = -100.0


def reduce(values: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    if reduction == "mean":
        return values.mean()
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    small_part = torch.minimum(a, torch.full_like(a, delta))     # = a where a ≤ δ, δ beyond
    # 0.5·m² + δ·(a − m): equals 0.5·a² inside, δ·(a − 0.5δ) outside
    return (0.5 * small_part * small_part + delta * (a - small_part)).mean()


def sigmoid(x: Tensor) -> Tensor:
    t = torch.exp(-x.abs())                   # in (0, 1]
    pos = 1.0 / (1.0 + t)
    return torch.where(x >= 0, pos, t * pos)  # e^x/(1+e^x) = t/(1+t) for x < 0


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.log(p).clamp(min=LOG_MIN)
    lq = torch.log(1 - p).clamp(min=LOG_MIN)
    return (-(y * lp) - (1 - y) * lq).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # softplus(z) − y·z, with softplus(z) = max(z,0) + log1p(e^{−|z|}); rewritten per label side
    z = logits
    base = torch.log1p(torch.exp(-z.abs()))
    return (y * (base + torch.relu(-z)) + (1 - y) * (base + torch.relu(z))).mean()


def softmax_direct(x: Tensor, dim: int) -> Tensor:
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax_direct(x: Tensor, dim: int) -> Tensor:
    s = x - x.amax(dim=dim, keepdim=True)
    return s - torch.log(torch.exp(s).sum(dim=dim, keepdim=True))


def log_softmax_chunked(x: Tensor, dim: int) -> Tensor:
    """For long rows: reduce in two stages (max of chunk maxima), still fully vectorised."""
    moved = x.movedim(dim, -1)
    n = moved.shape[-1]
    chunk = int(math.isqrt(n)) or 1
    pad = (-n) % chunk
    if pad:
        filler = torch.full(moved.shape[:-1] + (pad,), float("-inf"), dtype=x.dtype, device=x.device)
        padded = torch.cat([moved, filler], dim=-1)
    else:
        padded = moved
    blocks = padded.reshape(moved.shape[:-1] + (-1, chunk))
    m = blocks.amax(dim=-1).amax(dim=-1, keepdim=True)           # (..., 1)
    s = moved - m
    out = s - torch.log(torch.exp(s).sum(dim=-1, keepdim=True))
    return out.movedim(-1, dim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] <= SMALL:
        return softmax_direct(x, dim)
    return torch.exp(log_softmax_chunked(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] <= SMALL:
        return log_softmax_direct(x, dim)
    return log_softmax_chunked(x, dim)


CHECK = torch.tensor([[1000.0, -1000.0, 3.0, 0.5], [0.0, 0.0, 0.0, 0.0]], dtype=torch.float64)
assert torch.allclose(softmax_direct(CHECK, 1), torch.exp(log_softmax_chunked(CHECK, 1)), rtol=1e-12, atol=0)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return (-(target.to(logp.dtype) * logp).sum(dim=1)).mean()
    n = logits.shape[0]
    rows = torch.arange(n, device=logits.device)
    return -logp[rows, target].mean()


def entropy(p: Tensor) -> Tensor:
    logp = torch.log(torch.where(p > 0, p, torch.ones_like(p)))
    return -(p * logp).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    has_mass = p > 0
    one = torch.ones_like(p)
    ratio_log = torch.log(torch.where(has_mass, p, one)) - torch.log(torch.where(has_mass, q, one))
    return torch.where(has_mass, p * ratio_log, torch.zeros_like(p)).sum(dim=-1)
