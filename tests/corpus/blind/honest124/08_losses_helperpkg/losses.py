"""Losses — built on the helper package lossbits08 (reduction registry, log-space helpers)."""

from __future__ import annotations

import torch
from torch import Tensor

import lossbits08 as lb


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return lb.reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return lb.reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Split |d| into a part below δ and the excess: 0.5·min(|d|, δ)² + δ·(|d| − min(|d|, δ))."""
    a = (y_hat - y).abs()
    inner = torch.minimum(a, torch.full_like(a, delta))
    return (0.5 * inner * inner + delta * (a - inner)).mean()


def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = exp(−softplus(−x)), softplus through logaddexp."""
    return torch.exp(-lb.softplus_stable(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    log_p = torch.maximum(torch.log(p), floor)
    log_1mp = torch.maximum(torch.log1p(-p), floor)
    return torch.mean(-(y * log_p + (1 - y) * log_1mp))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * lb.softplus_stable(-logits) + (1 - y) * lb.softplus_stable(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = lb.shifted(x, dim)
    return torch.exp(z - lb.log_normaliser(z, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = lb.shifted(x, dim)
    return z - lb.log_normaliser(z, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.dim() == logits.dim():                     # one-hot / probabilities, any dtype
        return -(target.to(dtype=logp.dtype) * logp).sum(1).mean()
    return -torch.gather(logp, 1, target.view(-1, 1)).mean()


def entropy(p: Tensor) -> Tensor:
    logp = torch.where(p > 0, p, torch.ones_like(p)).log()
    return -(p * logp).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    pos = p > 0
    log_ratio = torch.where(pos, p, torch.ones_like(p)).log() - q.log()
    return torch.where(pos, p * log_ratio, torch.zeros_like(p)).sum(-1)
