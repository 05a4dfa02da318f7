"""Losses — the helpers live in the package lossutils/ beside this file."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn  # noqa: F401

from lossutils import logsumexp_keep, reduce, softplus


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    diff = y_hat - y
    return reduce(diff * diff, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    abs_d = (y_hat - y).abs()
    clipped = torch.minimum(abs_d, torch.full_like(abs_d, delta))   # the quadratic part
    # 0.5·c² + δ·(|d| − c): 0.5 d² inside, δ(|d| − δ/2) outside
    return (0.5 * clipped ** 2 + delta * (abs_d - clipped)).mean()


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = exp(−softplus(−x))
    return torch.exp(-softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100.0)
    log_q = torch.log(1.0 - p).clamp(min=-100.0)
    return torch.mean(-(y * log_p + (1.0 - y) * log_q))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * softplus(-logits) + (1 - y) * softplus(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return (x - logsumexp_keep(x, dim)).exp()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - logsumexp_keep(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    log_probs = log_softmax(logits, dim=1)
    if target.ndim == 2:
        return torch.mean(-(target.type_as(log_probs) * log_probs).sum(dim=1))
    picked = torch.gather(log_probs, 1, target[:, None])
    return -picked.mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.special.xlogy(p, p).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    terms = torch.xlogy(p, p) - torch.xlogy(p, q)
    return terms.sum(dim=-1)
