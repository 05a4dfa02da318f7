"""Losses — a plain solution with the LogSumExp trick written out."""

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
    d = torch.abs(y_hat - y)
    small = d <= delta
    d_small = torch.where(small, d, torch.zeros_like(d))    # no overflowing square where |d| > δ
    quad = 0.5 * d_small * d_small
    lin = delta * (d - 0.5 * delta)
    return torch.where(small, quad, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    z = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.clamp(torch.log(p), min=-100)
    log_q = torch.clamp(torch.log(1 - p), min=-100)
    return -(y * log_p + (1 - y) * log_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # −[y·log σ(z) + (1−y)·log(1−σ(z))] = y·softplus(−z) + (1−y)·softplus(z)
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    # shift first and never add the maximum back: (x − m) − log Σ exp(x − m) keeps float16 accurate
    z = x - x.amax(dim=dim, keepdim=True).detach()
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(logp.dtype) * logp).sum(dim=1).mean()
    picked = logp.gather(1, target.long().unsqueeze(1)).squeeze(1)
    return -picked.mean()


def entropy(p: Tensor) -> Tensor:
    p_safe = torch.where(p > 0, p, torch.ones_like(p))   # keeps the gradient finite at p = 0
    return -torch.xlogy(p, p_safe).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    # p·log p − p·log q; xlogy gives 0 where p = 0, and p·log 0 = −inf gives +inf where q = 0 < p
    p_safe = torch.where(p > 0, p, torch.ones_like(p))
    return (torch.xlogy(p, p_safe) - torch.xlogy(p, q)).sum(dim=-1)
