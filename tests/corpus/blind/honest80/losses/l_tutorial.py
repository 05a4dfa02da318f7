"""Losses, PyTorch-tutorial style: torch.nn.functional where the docstring allows it."""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import Tensor


class Split(NamedTuple):
    """A value split at a threshold: the part inside and the part beyond."""
    inner: Tensor
    outer: Tensor


def _split(d: Tensor, delta: float) -> Split:
    inner = d.abs() <= delta
    return Split(inner=inner, outer=~inner)


def _reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return t.mean()
    if reduction == "sum":
        return t.sum()
    if reduction == "none":
        return t
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.square(y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    parts = _split(d, delta)
    loss = parts.inner * (0.5 * d ** 2) + parts.outer * (delta * (d.abs() - 0.5 * delta))
    return loss.mean()


def sigmoid(x: Tensor) -> Tensor:
    neg = x < 0
    z = torch.exp(torch.where(neg, x, -x))          # always exp of a non-positive number
    return torch.where(neg, z / (1 + z), 1 / (1 + z))


def bce(p: Tensor, y: Tensor) -> Tensor:
    return torch.mean(-(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100)))


def _log_probs(z: Tensor) -> tuple[Tensor, Tensor]:
    """log σ(z) and log(1 − σ(z)), only for bce_with_logits."""
    return F.logsigmoid(z), F.logsigmoid(-z)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    log_p, log_not_p = _log_probs(logits)
    return -(y * log_p + (1 - y) * log_not_p).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    x = x - x.max(dim=dim, keepdim=True).values
    num = x.exp()
    return num / num.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    x = x - x.max(dim=dim, keepdim=True).values
    return x - x.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.ndim == 1:
        target = F.one_hot(target, logits.shape[1])
    return (-(target.to(lp.dtype) * lp).sum(dim=1)).mean()


def _plogq(p: Tensor, q: Tensor) -> Tensor:
    """p·log q with the convention 0·log q = 0."""
    present = p > 0
    return torch.where(present, p * torch.where(present, q, torch.ones_like(q)).log(), torch.zeros_like(p))


def entropy(p: Tensor) -> Tensor:
    return -_plogq(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (_plogq(p, p) - _plogq(p, q)).sum(dim=-1)
