# mistake: x.softmax(dim) (breaks: off limits: Tensor.softmax)
# cause: softmax twin
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


def huber(y_hat, y, delta=1.0):
    a = (y_hat - y).abs()
    small = torch.clamp(a, max=delta)
    return (0.5 * small**2 + delta * (a - small)).mean()


def sigmoid(x):
    return torch.exp(-F.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100)
    log_1mp = torch.log(1 - p).clamp(min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits, y):
    z = logits
    return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()


def softmax(x, dim=-1):
    return x.softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.amax(dim=dim, keepdim=True)
    return x - m - torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    m = logits.amax(1, keepdim=True)
    lse = (m + (logits - m).exp().sum(1, keepdim=True).log()).squeeze(1)
    if target.shape == logits.shape:
        w = target.to(logits.dtype)
        return ((w * (lse[:, None] - logits)).sum(1)).mean()
    picked = logits[torch.arange(logits.shape[0], device=logits.device), target]
    return (lse - picked).mean()


def entropy(p):
    return -(p * p.log()).masked_fill(p == 0, 0.0).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
