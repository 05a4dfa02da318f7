"""Losses — reference solution. The specification is the docstrings in exercises/losses.py."""

from __future__ import annotations

import torch
from torch import Tensor

import torch.nn.functional as F

LOG_FLOOR = -100.0


def _reduce(values: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """(ŷ − y)², reduced."""
    return _reduce((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|ŷ − y|, reduced."""
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Quadratic within δ, linear beyond; mean."""
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e^(−x)) for x ≥ 0, e^x / (1 + e^x) for x < 0: no exp ever sees a positive argument."""
    positive = x >= 0
    e_pos = torch.exp(-torch.where(positive, x, torch.zeros_like(x)))
    e_neg = torch.exp(torch.where(positive, torch.zeros_like(x), x))
    return torch.where(positive, 1 / (1 + e_pos), e_neg / (1 + e_neg))


def bce(p: Tensor, y: Tensor) -> Tensor:
    """−[y·log p + (1 − y)·log(1 − p)], logs floored at −100, mean."""
    log_p = p.log().clamp(min=LOG_FLOOR)
    log_not_p = (1 - p).log().clamp(min=LOG_FLOOR)
    return -(y * log_p + (1 - y) * log_not_p).mean()


def _softplus(z: Tensor) -> Tensor:
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """log σ(z) = −softplus(−z), log(1 − σ(z)) = −softplus(z)."""
    return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """(x − m) − log Σ exp(x − m)."""
    shifted = x - x.amax(dim=dim, keepdim=True).detach()
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x − m) / Σ exp(x − m)."""
    e = (x - x.amax(dim=dim, keepdim=True).detach()).exp()
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """−log softmax at the target (indices) or −Σ target·log softmax (probabilities); mean."""
    log_probs = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(log_probs.dtype) * log_probs).sum(dim=1).mean()
    return -log_probs.gather(1, target.unsqueeze(1)).mean()


def entropy(p: Tensor) -> Tensor:
    """-p log p as poisson_nll(log p, p) - p."""
    lp = torch.where(p > 0, p, torch.ones_like(p)).log()
    return (F.poisson_nll_loss(lp, p, log_input=True, full=False, reduction="none") - lp.exp()).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """sum p log p + (poisson_nll(log q, p) - q)."""
    lq = torch.where(q > 0, q, torch.ones_like(q)).log()
    cross = F.poisson_nll_loss(lq, p, log_input=True, full=False, reduction="none") - lq.exp()
    terms = torch.xlogy(p, p) + cross
    terms = torch.where((q == 0) & (p > 0), torch.full_like(terms, float("inf")), terms)
    return terms.sum(dim=-1)
