# mistake: treats every target as class indices (breaks: (n, c) probability targets)
# cause: cross_entropy cross_entropy_one_hot_and_soft_targets:values
"""Losses exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = (y_hat - y) ** 2
    if reduction == "mean":
        return sq.mean()
    if reduction == "sum":
        return sq.sum()
    if reduction == "none":
        return sq
    raise ValueError(f"unknown reduction {reduction}")


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    a = (y_hat - y).abs()
    return {"mean": a.mean, "sum": a.sum, "none": lambda: a}[reduction]()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    return torch.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100)
    log_1mp = torch.log(1 - p).clamp(min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.amax(dim=dim, keepdim=True)
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    lp = log_softmax(logits, dim=1)
    if target.dim() == 2:
        target = target.argmax(dim=1)
    return -lp.gather(1, target.unsqueeze(1)).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
