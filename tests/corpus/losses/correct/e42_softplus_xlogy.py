# correct: softplus sigmoid, clamp-form logits BCE, xlogy entropy/KL, exp-of-log softmax (held back: written before the suites' edge inputs)
"""Losses, written from the docstrings."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def _reduce(values: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    if reduction == "none":
        return values
    raise ValueError(f"unknown reduction {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = (y_hat - y).abs()
    quad = 0.5 * d * d
    lin = delta * (d - 0.5 * delta)
    return torch.where(d <= delta, quad, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    return torch.exp(-F.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100)
    log_q = torch.log(1 - p).clamp(min=-100)
    return -(y * log_p + (1 - y) * log_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (logits.clamp(min=0) - logits * y + torch.log1p(torch.exp(-logits.abs()))).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.amax(dim=dim, keepdim=True)
    return shifted - torch.exp(shifted).sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        return -logp.gather(1, target.unsqueeze(1)).mean()
    return -(target.to(logp.dtype) * logp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
