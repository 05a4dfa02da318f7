# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Losses — a learner's own namespace class called F (it shadows the imported functional alias)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class F:  # noqa: F811 — my own toolbox, deliberately named like torch.nn.functional
    """Numerically careful building blocks."""

    @staticmethod
    def softplus(z: Tensor) -> Tensor:
        return z.clamp(min=0) + (-z.abs()).exp().log1p()

    @staticmethod
    def amax_detached(x: Tensor, dim: int) -> Tensor:
        return x.amax(dim=dim, keepdim=True).detach()

    @staticmethod
    def logsumexp(x: Tensor, dim: int) -> Tensor:
        m = F.amax_detached(x, dim)
        return m + (x - m).exp().sum(dim=dim, keepdim=True).log()

    @staticmethod
    def reduce(t: Tensor, how: str) -> Tensor:
        table = {"mean": Tensor.mean, "sum": Tensor.sum}
        if how == "none":
            return t
        if how not in table:
            raise ValueError(how)
        return table[how](t)

    @staticmethod
    def safe_log(t: Tensor, where: Tensor) -> Tensor:
        """log t where the mask holds, 0 elsewhere (gradient stays finite)."""
        return torch.where(where, t, torch.ones_like(t)).log()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    small = (a <= delta).to(a.dtype)
    return (small * 0.5 * a.square() + (1 - small) * delta * (a - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    # σ(x) = exp(−softplus(−x)) with the stable softplus above
    return (-F.softplus(-x)).exp()


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log().clamp_min(-100.0) + (1 - y) * (1 - p).log().clamp_min(-100.0)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = (x - F.amax_detached(x, dim)).exp()
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = F.amax_detached(x, dim)
    return (x - m) - (x - m).exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, 1)
    if target.shape == logits.shape:
        return (-(target.to(lsm.dtype) * lsm).sum(1)).mean()
    return -lsm.gather(1, target.view(-1, 1)).squeeze(1).mean()


def entropy(p: Tensor) -> Tensor:
    return -(p * F.safe_log(p, p > 0)).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    has_mass = p > 0
    log_ratio = F.safe_log(p, has_mass) - F.safe_log(q, has_mass)
    return torch.where(has_mass, p * log_ratio, torch.zeros_like(p)).sum(-1)
