# mistake: exp(x) / (1 + exp(x)) everywhere (breaks: stable for |x| ≥ 100)
# cause: sigmoid sigmoid_values_and_stability:nan
"""Losses exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat, y, reduction="mean"):
    d = y_hat - y
    sq = d * d
    if reduction == "none":
        return sq
    total = sq.sum()
    return total / sq.numel() if reduction == "mean" else total


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    a = (y_hat - y).abs()
    return {"mean": a.mean, "sum": a.sum, "none": lambda: a}[reduction]()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    return torch.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta)).mean()


def sigmoid(x):
    e = torch.exp(x)
    return e / (1 + e)


def bce(p, y):
    a = p.log().clamp_min(-100.0)
    b = torch.log1p(-p).clamp_min(-100.0)
    return torch.mean(-(y * a) - (1 - y) * b)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x, dim=-1):
    z = x.movedim(dim, -1)
    z = z - z.amax(-1, keepdim=True)
    e = z.exp()
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.amax(dim=dim, keepdim=True)
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        return -lp.gather(1, target.unsqueeze(1)).mean()
    return -(target.to(lp.dtype) * lp).sum(dim=1).mean()


def entropy(p):
    return -(p * p.log()).masked_fill(p == 0, 0.0).sum(dim=-1)


def kl_div(p, q):
    terms = torch.where(p > 0, p * (torch.log(p) - torch.log(q)), torch.zeros_like(p))
    return terms.sum(-1)
