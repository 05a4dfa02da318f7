"""Losses — built on the helper module loss_kit (registry of reductions, LogSumExp, softplus)."""

from __future__ import annotations

import torch
from torch import Tensor

try:
    from . import loss_kit as kit
except ImportError:
    import loss_kit as kit


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Squared differences through the reduction registry."""
    return kit.reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|ŷ − y| as max(d, −d)."""
    d = y_hat - y
    return kit.reduce(torch.maximum(d, -d), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """torch.where picks the piece; the quadratic is fed min(|d|, δ) so it never overflows."""
    a = (y_hat - y).abs()
    small = a <= delta
    quad = 0.5 * torch.where(small, a, torch.zeros_like(a)) ** 2
    lin = delta * (a - 0.5 * delta)
    return torch.where(small, quad, lin).mean()


@kit.in_working_precision
def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = exp(−softplus(−x)): softplus never overflows, and exp sees only ≤ 0."""
    return torch.exp(-kit.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    """Binary cross-entropy on probabilities with logs floored at −100, like torch's."""
    lp = p.log().clamp_min(-100)
    l1p = torch.log1p(-p).clamp_min(-100)
    return torch.mean(-(y * lp + (1 - y) * l1p))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z)."""
    loss = y * kit.softplus(-logits) + (1 - y) * kit.softplus(logits)
    return loss.mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − LSE)."""
    return torch.exp(x - kit.logsumexp_keepdim(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x − LSE(x)."""
    return x - kit.logsumexp_keepdim(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Told apart by shape: (n,) indices or (n, c) probabilities."""
    logp = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        weights = target.to(dtype=logp.dtype)
        return (-(weights * logp).sum(dim=1)).mean()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -logp[rows, target].mean()


def entropy(p: Tensor) -> Tensor:
    """−Σ p·log p with 0·log 0 = 0 via torch.special.xlogy."""
    return torch.special.xlogy(p, p).sum(-1).neg()


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ xlogy(p, p) − xlogy(p, q): p = 0 terms vanish, q = 0 < p gives +inf."""
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)
