"""Losses with a helper class of static methods (my own numerics toolbox)."""
from __future__ import annotations

import torch
from torch import Tensor


class Stable:
    """Numerically careful building blocks, shared by several losses below."""

    @staticmethod
    def sigmoid(x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    @staticmethod
    def softplus(z: Tensor) -> Tensor:
        return torch.relu(z) + torch.log1p(torch.exp(-z.abs()))

    @staticmethod
    def logsumexp(x: Tensor, dim: int) -> Tensor:
        m = x.amax(dim=dim, keepdim=True).detach()
        return m + (x - m).exp().sum(dim=dim, keepdim=True).log()

    @staticmethod
    def xlogy(x: Tensor, y: Tensor) -> Tensor:
        """x·log y with 0·log y = 0."""
        safe_y = torch.where(x == 0, torch.ones_like(y), y)
        return torch.where(x == 0, torch.zeros_like(x), x * safe_y.log())


REDUCTIONS = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return REDUCTIONS[reduction]((y_hat - y).pow(2))


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return REDUCTIONS[reduction]((y_hat - y).abs())


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    small = (a <= delta).to(a.dtype)
    return (small * 0.5 * a * a + (1 - small) * delta * (a - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    return Stable.sigmoid(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.log(p).clamp_min(-100.0)
    lq = torch.log1p(-p).clamp_min(-100.0)
    return (-(y * lp) - (1 - y) * lq).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * Stable.softplus(-logits) + (1 - y) * Stable.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(x - Stable.logsumexp(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - Stable.logsumexp(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        weights = target.to(logp.dtype)
    else:
        weights = torch.zeros_like(logp).scatter(1, target.unsqueeze(1), 1.0)
    return -(weights * logp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -Stable.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (Stable.xlogy(p, p) - Stable.xlogy(p, q)).sum(dim=-1)
