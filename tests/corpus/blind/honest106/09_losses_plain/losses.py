"""Losses — straightforward versions following the notes' formulas."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn  # noqa: F401


def _reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return t.mean()
    elif reduction == "sum":
        return t.sum()
    elif reduction == "none":
        return t
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    quad = 0.5 * d ** 2
    lin = delta * (a - 0.5 * delta)
    return torch.where(a <= delta, quad, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    out = torch.empty_like(x)
    pos = x >= 0
    neg = ~pos
    out[pos] = 1 / (1 + torch.exp(-x[pos]))
    ex = torch.exp(x[neg])
    out[neg] = ex / (1 + ex)
    return out


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.clamp(torch.log(p), min=-100)
    log_1mp = torch.clamp(torch.log(1 - p), min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # -[y log σ(z) + (1-y) log(1-σ(z))] = y softplus(-z) + (1-y) softplus(z)
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.max(dim=dim, keepdim=True).values
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.max(dim=dim, keepdim=True).values
    z = x - m
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        return -lp[torch.arange(logits.shape[0], device=logits.device), target].mean()
    return -(target * lp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
