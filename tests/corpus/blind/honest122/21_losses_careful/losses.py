"""Numerically careful losses, with special cases handled without breaking dtype, device or the graph."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def _reduce(v: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return v.mean()
    if reduction == "sum":
        return v.sum()
    if reduction == "none":
        return v
    raise ValueError(f"bad reduction: {reduction}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    diff = y_hat - y
    return _reduce(diff.square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    capped = a.clamp(max=delta)          # never larger than delta: its square cannot overflow
    return (0.5 * capped.square() + delta * (a - capped)).mean()


def sigmoid(x: Tensor) -> Tensor:
    neg = x.clamp(max=0)
    pos = x.clamp(min=0)
    # e^{min(x,0)} / (e^{min(x,0)} + e^{-max(x,0)}) = sigma(x); both exponents are <= 0
    a = torch.exp(neg)
    b = torch.exp(-pos)
    return a / (a + b)


def bce(p: Tensor, y: Tensor) -> Tensor:
    lo = -100.0
    return -(y * p.log().clamp(min=lo) + (1 - y) * (1 - p).log().clamp(min=lo)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (F.softplus(logits) - y * logits).mean()


def _shift(x: Tensor, dim: int) -> Tensor:
    return x - x.amax(dim=dim, keepdim=True)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] == 1:
        # a single entry: softmax is 1; x - x + 1 keeps dtype, device and the (zero) gradient
        return x - x + 1
    e = _shift(x, dim).exp()
    return e / e.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] == 1:
        return x - x                      # log 1 = 0, still attached to x
    z = _shift(x, dim)
    return z - z.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    z = _shift(logits, 1)
    lse = z.exp().sum(1).log()                            # (n,)
    if target.dim() == logits.dim():
        t = target.to(z.dtype)
        return (t.sum(1) * lse - (t * z).sum(1)).mean()   # -sum t (z - lse)
    return (lse - z.gather(1, target[:, None])[:, 0]).mean()


def entropy(p: Tensor) -> Tensor:
    return -(torch.xlogy(p, p)).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    mask = p > 0
    one = torch.ones((), dtype=p.dtype, device=p.device)
    log_ratio = torch.log(torch.where(mask, p, one)) - torch.log(torch.where(mask, q, one))
    return torch.where(mask, p * log_ratio, torch.zeros((), dtype=p.dtype, device=p.device)).sum(-1)
