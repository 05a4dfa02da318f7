"""Losses with size switches: one vectorised formula for small inputs, another for large ones."""

from __future__ import annotations

import torch
from torch import Tensor

SMALL_CLASSES = 64        # cross_entropy: one-hot mask below, gather above
SMALL_ROW = 256           # softmax: direct exp-normalise below, via log-softmax above


def _reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(reduction)
    return t if reduction == "none" else (t.sum() if reduction == "sum" else t.mean())


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.square(y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    near = a <= delta
    d_near = d.masked_fill(~near, 0.0)
    return torch.where(near, 0.5 * d_near * d_near, delta * (a - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    neg = x.clamp(max=0)          # ≤ 0
    pos = x.clamp(min=0)          # ≥ 0
    # σ(x) = e^(min(x,0)) / (e^(min(x,0)) + e^(−max(x,0))): both exponents ≤ 0
    a, b = neg.exp(), (-pos).exp()
    return a / (a + b)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    def softplus(t: Tensor) -> Tensor:
        return t.clamp(min=0) + torch.log1p(torch.exp(-t.abs()))

    return (y * softplus(-logits) + (1 - y) * softplus(logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = x.amax(dim=dim, keepdim=True).detach()
    z = x - m
    return z - z.exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    if x.shape[dim] <= SMALL_ROW:
        z = x - x.amax(dim=dim, keepdim=True).detach()
        e = z.exp()
        return e / e.sum(dim=dim, keepdim=True)
    return log_softmax(x, dim).exp()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    n, c = logits.shape
    lp = log_softmax(logits, dim=1)
    if target.dim() == 2:
        return -(target.to(lp.dtype) * lp).sum(dim=1).mean()
    if c <= SMALL_CLASSES:
        mask = target[:, None] == torch.arange(c, device=logits.device)[None, :]
        return -(lp * mask).sum() / n
    return -torch.take_along_dim(lp, target[:, None], dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -(torch.xlogy(p, p)).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    out = torch.xlogy(p, p) - torch.xlogy(p, q)
    return out.sum(dim=-1)
