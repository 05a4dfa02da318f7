"""Losses — a learner who wraps each loss in an nn.Module too, and uses the modules in the functions."""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn

Reduction = Literal["mean", "sum", "none"]


class _Loss(nn.Module):
    def __init__(self, reduction: Reduction = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def reduce(self, t: Tensor) -> Tensor:
        return {"mean": t.mean, "sum": t.sum, "none": lambda: t}[self.reduction]()


class MSE(_Loss):
    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reduce((y_hat - y).pow(2))


class L1(_Loss):
    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reduce((y_hat - y).abs())


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return MSE(reduction)(y_hat, y)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return L1(reduction)(y_hat, y)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = (y_hat - y).abs()
    small = (d <= delta).to(d.dtype)
    return (small * 0.5 * d * d + (1 - small) * delta * (d - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def bce(p: Tensor, y: Tensor) -> Tensor:
    terms = y * p.log().clamp_min(-100) + (1 - y) * torch.log1p(-p).clamp_min(-100)
    return -terms.mean()


def _softplus(z: Tensor) -> Tensor:
    return torch.clamp(z, min=0) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()


def _lse(x: Tensor, dim: int) -> Tensor:
    m = x.amax(dim=dim, keepdim=True)
    return m + (x - m).exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(x - _lse(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - _lse(x, dim)


class CrossEntropy(nn.Module):
    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        log_p = log_softmax(logits, dim=1)
        if target.shape == logits.shape:
            return -(target.to(log_p.dtype) * log_p).sum(1).mean()
        return -log_p.gather(1, target.view(-1, 1)).squeeze(1).mean()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return CrossEntropy()(logits, target)


def entropy(p: Tensor) -> Tensor:
    logp = torch.where(p > 0, p, torch.ones_like(p)).log()
    return -(p * logp).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    ratio_log = torch.where(p > 0, torch.log(torch.where(p > 0, p, torch.ones_like(p))) - torch.log(q), torch.zeros_like(p))
    return (p * ratio_log).sum(-1)
