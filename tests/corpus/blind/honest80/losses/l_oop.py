"""Losses as small loss objects (like nn.MSELoss), with the functions as thin wrappers."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

NEG_LOG_CAP = 100.0


@dataclass
class Reduction:
    mode: str = "mean"

    def __call__(self, t: Tensor) -> Tensor:
        return {"mean": lambda: t.mean(), "sum": lambda: t.sum(), "none": lambda: t}[self.mode]()


class MSELoss:
    def __init__(self, reduction: str = "mean") -> None:
        self.reduce = Reduction(reduction)

    def __call__(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reduce((y_hat - y) ** 2)


class L1Loss(MSELoss):
    def __call__(self, y_hat: Tensor, y: Tensor) -> Tensor:
        return self.reduce((y_hat - y).abs())


class HuberLoss:
    def __init__(self, delta: float = 1.0) -> None:
        self.delta = delta

    def __call__(self, y_hat: Tensor, y: Tensor) -> Tensor:
        d = (y_hat - y).abs()
        return torch.where(d < self.delta, d * d / 2, self.delta * d - self.delta ** 2 / 2).mean()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return MSELoss(reduction)(y_hat, y)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return L1Loss(reduction)(y_hat, y)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return HuberLoss(delta)(y_hat, y)


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = ½(1 + tanh(x/2)) loses the float64 tail; use exp(−|x|) instead
    t = (-x.abs()).exp()
    s = 1 / (1 + t)
    return torch.where(x < 0, t * s, s)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(-NEG_LOG_CAP)
    log_1p = torch.log(1 - p).clamp(-NEG_LOG_CAP)
    return -(y * log_p).mean() - ((1 - y) * log_1p).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    sp = logits.clamp(min=0) + (-logits.abs()).exp().log1p()
    return (sp - y * logits).mean()


def _lse(x: Tensor, dim: int) -> Tensor:
    m = x.max(dim, keepdim=True).values
    return m + torch.log(torch.sum(torch.exp(x - m), dim, keepdim=True))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = torch.exp(x - x.max(dim, keepdim=True).values)
    return e / e.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - _lse(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    n = logits.shape[0]
    logp = log_softmax(logits, 1)
    if target.shape == logits.shape:
        return -(logp * target.to(logp.dtype)).sum() / n
    return -logp[torch.arange(n, device=logits.device), target].sum() / n


def entropy(p: Tensor) -> Tensor:
    return -(p * torch.log(p.masked_fill(p == 0, 1.0))).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    zero = p == 0
    return (p * (p.masked_fill(zero, 1.0).log() - q.masked_fill(zero, 1.0).log())).sum(-1)

