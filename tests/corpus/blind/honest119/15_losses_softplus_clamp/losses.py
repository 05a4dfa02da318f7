"""Losses — using the allowed torch pieces (F.softplus, F.logsigmoid, torch.xlogy) wherever the docstrings allow them."""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import Tensor

LOG_MIN = -100.0


def _reduction(fn):
    """Decorator: the wrapped function returns element-wise terms; this applies the reduction."""
    @functools.wraps(fn)
    def wrapper(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
        terms = fn(y_hat, y)
        if reduction == "mean":
            return terms.mean()
        if reduction == "sum":
            return terms.sum()
        if reduction == "none":
            return terms
        raise ValueError(reduction)
    return wrapper


@_reduction
def mse(y_hat: Tensor, y: Tensor) -> Tensor:
    return (y_hat - y).square()


@_reduction
def l1(y_hat: Tensor, y: Tensor) -> Tensor:
    return (y_hat - y).abs()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    r = (y_hat - y).abs()
    lin = delta * (r - 0.5 * delta)
    quad = 0.5 * torch.minimum(r, torch.full_like(r, delta)).square()
    return torch.where(r > delta, lin, quad).mean()


def sigmoid(x: Tensor) -> Tensor:
    # e^{-softplus(-x)}: F.softplus is not off limits for sigmoid
    return torch.exp(-F.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    logs = torch.stack([p.log(), (1 - p).log()]).clamp(min=LOG_MIN)
    return -(y * logs[0] + (1 - y) * logs[1]).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # log σ(z) = logsigmoid(z), log(1 − σ(z)) = logsigmoid(−z)
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    x = x - x.max(dim, keepdim=True)[0]
    x = x.exp()
    return x / x.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim, keepdim=True)[0]
    return shifted - shifted.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=1)
    if target.shape != logits.shape:
        target = torch.zeros_like(lsm).scatter_(1, target.unsqueeze(1), 1.0)
    return -(target.to(lsm.dtype) * lsm).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.sum(torch.xlogy(p, p) - torch.xlogy(p, q), dim=-1)
