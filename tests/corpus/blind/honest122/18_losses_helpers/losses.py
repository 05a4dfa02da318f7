"""Losses, with the numerics in a helper module (numerics.py)."""

from __future__ import annotations

import torch
from torch import Tensor

from numerics import reduce, shifted_logsumexp, softplus


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).pow(2), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    small = a <= delta
    # a_small is a where |d| <= delta and 0 elsewhere, so its square never overflows
    a_small = torch.where(small, a, torch.zeros_like(a))
    return torch.where(small, 0.5 * a_small * a_small, delta * a - 0.5 * delta * delta).mean()


def sigmoid(x: Tensor) -> Tensor:
    # sigma(x) = exp(-softplus(-x)); softplus is written out in numerics.py
    return torch.exp(-softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    lp = torch.maximum(torch.log(p), floor)
    l1p = torch.maximum(torch.log1p(-p), floor)
    return torch.mean(-(y * lp + (1 - y) * l1p))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * softplus(-logits) + (1 - y) * softplus(logits))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z, log_norm = shifted_logsumexp(x, dim)
    return z - log_norm


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return torch.mean(-torch.sum(target.to(lsm.dtype) * lsm, dim=1))
    n = logits.shape[0]
    rows = torch.arange(n, device=logits.device)
    return -lsm[rows, target].mean()


def entropy(p: Tensor) -> Tensor:
    logs = torch.log(torch.where(p > 0, p, torch.ones_like(p)))
    return -(p * logs).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    has_mass = p > 0
    ratio = torch.where(has_mass, p, torch.ones_like(p)) / torch.where(has_mass, q, torch.ones_like(q))
    return torch.where(has_mass, p * torch.log(ratio), torch.zeros_like(p)).sum(-1)
