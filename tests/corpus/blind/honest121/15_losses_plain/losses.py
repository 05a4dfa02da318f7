"""Losses — plain tensor code."""

from __future__ import annotations

import torch
from torch import Tensor


def _apply_reduction(t: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return t
    if reduction == "sum":
        return t.sum()
    if reduction == "mean":
        return t.mean()
    raise ValueError(f"unknown reduction {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = y_hat - y
    return _apply_reduction(d * d, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _apply_reduction(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = torch.abs(y_hat - y)
    small = torch.minimum(a, torch.full_like(a, delta))   # min(|d|, δ)
    # 0.5·m² + δ·(|d| − m): equals 0.5·d² inside, δ·(|d| − δ/2) outside; never squares a big d
    return (0.5 * small * small + delta * (a - small)).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.clamp(torch.log(p), min=-100)
    log_q = torch.clamp(torch.log(1 - p), min=-100)
    return -(y * log_p + (1 - y) * log_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # max(z, 0) − z·y + log1p(e^(−|z|))
    z = logits
    return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = torch.amax(x, dim=dim, keepdim=True)
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = torch.amax(x, dim=dim, keepdim=True)
    s = x - m
    return s - torch.log(torch.exp(s).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.dim() == 2:
        return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
    picked = logp[torch.arange(logits.shape[0], device=logits.device), target]
    return -picked.mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
