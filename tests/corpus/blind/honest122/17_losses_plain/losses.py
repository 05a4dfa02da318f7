"""Loss functions written with plain tensor operations."""

from __future__ import annotations

import torch
import torch.nn.functional as F
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
    d = y_hat - y
    return _reduce(d * d, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    quad = 0.5 * d * d
    lin = delta * (a - 0.5 * delta)
    return torch.where(a <= delta, quad, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.clamp(torch.log(p), min=-100)
    log_q = torch.clamp(torch.log(1 - p), min=-100)
    return -(y * log_p + (1 - y) * log_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # -[y log s(z) + (1-y) log(1-s(z))] = y softplus(-z) + (1-y) softplus(z)
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.amax(dim=dim, keepdim=True)
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        picked = logp.gather(1, target.view(-1, 1)).squeeze(1)
        return -picked.mean()
    return -(target.to(logp.dtype) * logp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    pos = p > 0
    p_safe = torch.where(pos, p, torch.ones_like(p))
    q_safe = torch.where(pos, q, torch.ones_like(q))
    terms = torch.where(pos, p * (torch.log(p_safe) - torch.log(q_safe)), torch.zeros_like(p))
    return terms.sum(dim=-1)
