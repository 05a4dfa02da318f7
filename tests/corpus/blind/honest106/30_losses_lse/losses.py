"""Losses — a learner who writes logsumexp once, uses torch.nn.functional.softplus, and masks with boolean indexing."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn  # noqa: F401


def _red(x: Tensor, reduction: str) -> Tensor:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"invalid reduction: {reduction}")
    return x if reduction == "none" else getattr(x, reduction)()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _red(torch.square(y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _red((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    err = y_hat - y
    abs_err = err.abs()
    quadratic = abs_err.clamp(max=delta)
    linear = abs_err - quadratic
    return (0.5 * quadratic ** 2 + delta * linear).mean()


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = e^{−softplus(−x)}: softplus is stable, every exponent is ≤ 0
    return torch.exp(-F.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.log(p).clamp(min=-100)
    lq = torch.log(1 - p).clamp(min=-100)
    return (-(y * lp) - (1 - y) * lq).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # max(z, 0) − z·y + log(1 + e^{−|z|})
    return (logits.clamp(min=0) - logits * y + torch.log1p(torch.exp(-logits.abs()))).mean()


def logsumexp(x: Tensor, dim: int) -> Tensor:
    c = x.amax(dim=dim, keepdim=True)
    return c + (x - c).exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return (x - logsumexp(x, dim)).exp()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - logsumexp(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=-1)
    if target.dtype in (torch.int64, torch.int32) and target.dim() == 1:
        return -logp[torch.arange(len(target), device=logits.device), target].mean()
    return -(target.to(logp.dtype) * logp).sum(dim=-1).mean()


def entropy(p: Tensor) -> Tensor:
    return -(torch.xlogy(p, p)).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.sum(torch.xlogy(p, p) - torch.xlogy(p, q), dim=-1)
