"""Losses built around one log-sum-exp helper (LogSumExp, exp-normalize trick)."""

from __future__ import annotations

import torch
from torch import Tensor


def _lse(x: Tensor, dim: int) -> Tensor:
    """log Σ exp(x) along dim, kept: m + log Σ exp(x − m), the max treated as a constant."""
    m = x.detach().amax(dim=dim, keepdim=True)
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = torch.square(y_hat - y)
    return {"mean": sq.mean, "sum": sq.sum, "none": lambda: sq}[reduction]()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    ab = torch.abs(y - y_hat)
    return {"mean": ab.mean, "sum": ab.sum, "none": lambda: ab}[reduction]()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    inside = d.abs() <= delta
    safe_d = d.masked_fill(~inside, 0.0)
    return torch.where(inside, 0.5 * safe_d * safe_d, delta * (d.abs() - delta / 2)).mean()


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = exp(x − lse(0, x)), computed for the pair (0, x) by hand
    pair = torch.stack([torch.zeros_like(x), x], dim=-1)
    return torch.exp(x - _lse(pair, -1).squeeze(-1))


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100)).mean()


def _lse0(z: Tensor) -> Tensor:
    """lse(0, z) = log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}): log1p keeps the tiny tail terms."""
    return torch.maximum(z, torch.zeros_like(z)) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * _lse0(-logits) + (1 - y) * _lse0(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(x - _lse(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    # (x − m) − log Σ exp(x − m): subtract the max first, then the log of the sum
    shifted = x - x.detach().amax(dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.ndim == 2:
        return torch.sum(-target.to(logp.dtype) * logp) / logits.shape[0]
    return -torch.take_along_dim(logp, target[:, None], dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.special.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)
