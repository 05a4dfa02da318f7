"""Losses with small shared helpers (_reduce, _logsumexp)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

_REDUCTIONS = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}


def _reduce(t: Tensor, reduction: str) -> Tensor:
    try:
        return _REDUCTIONS[reduction](t)
    except KeyError:
        raise ValueError(f"unknown reduction {reduction!r}") from None


def _logsumexp(x: Tensor, dim: int) -> Tensor:
    m = x.amax(dim=dim, keepdim=True).detach()
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y).pow(2), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    quad = torch.minimum(a, torch.full_like(a, delta))
    lin = a - quad
    # 0.5*q^2 + delta*l  ==  0.5 d^2 (|d|<=delta)  or  delta(|d| - delta/2) beyond
    return (0.5 * quad ** 2 + delta * lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    z = torch.exp(-x.abs())
    return torch.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = p.log().clamp(min=-100.0)
    lq = (1 - p).log().clamp(min=-100.0)
    return _reduce(-(y * lp + (1 - y) * lq), "mean")


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # log sigma(z) = -softplus(-z), log(1 - sigma(z)) = -softplus(z)
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - _logsumexp(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(lsm.dtype) * lsm).sum(1).mean()
    return -lsm.gather(1, target.unsqueeze(1)).squeeze(1).mean()


def entropy(p: Tensor) -> Tensor:
    return -(torch.special.xlogy(p, p)).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    present = p > 0
    safe_p = torch.where(present, p, torch.ones_like(p))  # keeps log and its gradient finite
    safe_q = torch.where(present, q, torch.ones_like(q))
    terms = torch.where(present, p * (safe_p.log() - safe_q.log()), torch.zeros_like(p))
    return terms.sum(-1)
