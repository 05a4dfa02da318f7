"""Losses — with early returns for special cases, each keeping dtype, device and the graph."""

from __future__ import annotations

from typing import Literal

import torch
from torch import Tensor

Reduction = Literal["mean", "sum", "none"]


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = (y_hat - y) ** 2
    if reduction == "none":
        return sq                      # early return: the element-wise squares themselves
    if reduction == "sum":
        return sq.sum()
    if reduction != "mean":
        raise ValueError(reduction)
    return sq.mean()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    ab = (y_hat - y).abs()
    if reduction == "none":
        return ab
    return ab.sum() if reduction == "sum" else ab.mean()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    if bool((a <= delta).all()):
        # every residual inside: pure quadratic, no overflow possible there
        return (0.5 * d * d).mean()
    if bool((a > delta).all()):
        # every residual outside: pure linear piece
        return (delta * (a - 0.5 * delta)).mean()
    inside = a <= delta
    d_in = torch.where(inside, d, torch.zeros_like(d))
    return torch.where(inside, 0.5 * d_in * d_in, delta * (a - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    r = 1 / (1 + e)
    return torch.where(x >= 0, r, e * r)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = p.log().clamp(min=-100)
    log_1mp = (1 - p).log().clamp(min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    z = logits
    return (z.clamp(min=0) - z * y + (-z.abs()).exp().log1p()).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] == 1:
        # a single entry along dim: softmax is exactly 1, computed from x so the graph, dtype
        # and device stay (its gradient is 0)
        return (x - x).exp()
    z = x - x.amax(dim=dim, keepdim=True)
    e = z.exp()
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] == 1:
        return x - x                   # log 1 = 0, still attached to x
    z = x - x.amax(dim=dim, keepdim=True)
    return z - z.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(lp * target.to(lp.dtype)).sum(dim=1).mean()
    rows = torch.arange(lp.shape[0], device=lp.device)
    return -lp[rows, target].mean()


def entropy(p: Tensor) -> Tensor:
    terms = torch.where(p > 0, p * torch.where(p > 0, p, torch.ones_like(p)).log(), torch.zeros_like(p))
    return -terms.sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    if p.shape[-1] == 0:
        return p.sum(dim=-1)           # empty rows: 0 of the right shape, dtype and device
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
