"""Losses built on a helper module (lse_utils) holding a hand-written LogSumExp."""

from __future__ import annotations

import torch
from torch import Tensor

from lse_utils import logsumexp, reduce, softplus


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    ad = d.abs()
    inside = ad <= delta
    quad = 0.5 * torch.where(inside, d, torch.zeros_like(d)) ** 2   # d² only where it is small
    lin = delta * (ad - 0.5 * delta)
    return torch.where(inside, quad, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = exp(−softplus(−x))
    return torch.exp(-softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = -100.0
    return -(y * p.log().clamp_min(floor) + (1 - y) * torch.log1p(-p).clamp_min(floor)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * softplus(-logits) + (1 - y) * softplus(logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - logsumexp(x, dim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(lp * target.to(lp.dtype)).sum(1).mean()
    return -lp.gather(1, target.view(-1, 1)).squeeze(1).mean()


def entropy(p: Tensor) -> Tensor:
    safe = torch.where(p > 0, p, torch.ones_like(p))
    return -(p * safe.log()).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)
