"""Losses, using my helper package lossutils/."""

from __future__ import annotations

import torch
from torch import Tensor

from lossutils import reduce_by, safe_log, softplus


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce_by((y_hat - y).pow(2), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce_by((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    q = torch.clamp(a, max=delta)                 # the quadratic part never exceeds delta
    return (0.5 * q ** 2 + delta * (a - q)).mean()


def sigmoid(x: Tensor) -> Tensor:
    return torch.exp(-softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.log(p).clamp_min(-100.0)
    lq = torch.log1p(-p).clamp_min(-100.0)
    return torch.mean(-(y * lp + (1 - y) * lq))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * softplus(-logits) + (1 - y) * softplus(logits))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return log_softmax(x, dim).exp()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, 1)
    if target.shape == logits.shape:
        return (-(target.to(lp.dtype) * lp).sum(1)).mean()
    return -lp.gather(1, target.view(-1, 1)).mean()


def entropy(p: Tensor) -> Tensor:
    return -(p * safe_log(p)).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    terms = p * (safe_log(p) - torch.log(q))
    return torch.where(p > 0, terms, torch.zeros_like(terms)).sum(-1)
