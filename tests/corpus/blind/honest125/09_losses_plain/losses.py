"""Losses — plain tensor code: where/abs/clamp for the regression losses, LogSumExp written out."""

from __future__ import annotations

import torch
from torch import Tensor


def _reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return t
    if reduction == "sum":
        return t.sum()
    if reduction == "mean":
        return t.mean()
    raise ValueError(f"unknown reduction {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """(ŷ − y)², reduced."""
    d = y_hat - y
    return _reduce(d * d, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|ŷ − y|, reduced."""
    return _reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """0.5·q² + δ·(|d| − q) with q = min(|d|, δ): the square only ever sees |d| ≤ δ."""
    a = torch.abs(y_hat - y)
    q = torch.clamp(a, max=delta)
    return (0.5 * q * q + delta * (a - q)).mean()


def sigmoid(x: Tensor) -> Tensor:
    """Two branches, each exponentiating a non-positive number only."""
    nonneg = x >= 0
    z = torch.where(nonneg, -x, x)          # z = −|x| ≤ 0
    ez = torch.exp(z)
    return torch.where(nonneg, 1 / (1 + ez), ez / (1 + ez))


def bce(p: Tensor, y: Tensor) -> Tensor:
    """−mean(y·log p + (1 − y)·log(1 − p)), each log floored at −100."""
    log_p = torch.clamp(torch.log(p), min=-100.0)
    log_q = torch.clamp(torch.log(1 - p), min=-100.0)
    return -(y * log_p + (1 - y) * log_q).mean()


def _softplus(z: Tensor) -> Tensor:
    """max(z, 0) + log1p(e^(−|z|))."""
    return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """y·softplus(−z) + (1 − y)·softplus(z), averaged."""
    return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()


def _shifted(x: Tensor, dim: int) -> Tensor:
    return x - torch.amax(x, dim=dim, keepdim=True).detach()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − m) / Σ exp(x − m)."""
    e = torch.exp(_shifted(x, dim))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """(x − m) − log Σ exp(x − m)."""
    s = _shifted(x, dim)
    return s - torch.log(torch.exp(s).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Index targets: gather; probability targets: weighted sum of my own log_softmax."""
    logp = log_softmax(logits, dim=1)
    if target.dim() == logits.dim():
        return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
    picked = torch.gather(logp, 1, target.long().unsqueeze(1)).squeeze(1)
    return -picked.mean()


def entropy(p: Tensor) -> Tensor:
    """−Σ xlogy(p, p): xlogy gives 0·log 0 = 0."""
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ p·(log p − log q); terms with p = 0 are 0, q = 0 < p gives +inf."""
    pos = p > 0
    p_safe = torch.where(pos, p, torch.ones_like(p))
    q_safe = torch.where(pos, q, torch.ones_like(q))
    term = torch.where(pos, p * (torch.log(p_safe) - torch.log(q_safe)), torch.zeros_like(p))
    return term.sum(dim=-1)
