"""Losses built from small factories (closures) and loss objects."""

from __future__ import annotations

from functools import wraps
from typing import Callable

import torch
from torch import Tensor

Elementwise = Callable[[Tensor, Tensor], Tensor]


def regression_loss(elementwise: Elementwise) -> Callable[..., Tensor]:
    """Turn an element-wise penalty into a loss with a ``reduction`` argument."""

    @wraps(elementwise)
    def loss(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
        values = elementwise(y_hat, y)
        if reduction == "mean":
            return values.mean()
        if reduction == "sum":
            return values.sum()
        if reduction == "none":
            return values
        raise ValueError(reduction)

    return loss


@regression_loss
def mse(y_hat: Tensor, y: Tensor) -> Tensor:
    return torch.square(y_hat - y)


@regression_loss
def l1(y_hat: Tensor, y: Tensor) -> Tensor:
    return torch.abs(torch.sub(y_hat, y))


class Huber:
    def __init__(self, delta: float) -> None:
        self.delta = delta

    def __call__(self, y_hat: Tensor, y: Tensor) -> Tensor:
        d = (y_hat - y).abs()
        inside = torch.minimum(d, torch.full_like(d, self.delta))   # |d| capped at delta
        outside = d - inside                                        # the part beyond delta
        return (0.5 * inside * inside + self.delta * outside).mean()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return Huber(delta)(y_hat, y)


def sigmoid(x: Tensor) -> Tensor:
    out = torch.empty_like(x)
    pos = x >= 0
    out = out.masked_scatter(pos, 1 / (1 + torch.exp(-x[pos])))
    ex = torch.exp(x[~pos])
    out = out.masked_scatter(~pos, ex / (1 + ex))
    return out


def bce(p: Tensor, y: Tensor) -> Tensor:
    def floored_log(t: Tensor) -> Tensor:
        return t.log().clamp_min(-100.0)
    return -(y * floored_log(p) + (1 - y) * floored_log(1 - p)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    z = logits
    # softplus(z) - y*z, softplus(z) = max(z, 0) + log1p(exp(-|z|))
    sp = torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))
    return (sp - y * z).mean()


def _normalised(dim_fn: Callable[[Tensor, int], Tensor]) -> Callable[..., Tensor]:
    def apply(x: Tensor, dim: int = -1) -> Tensor:
        return dim_fn(x - x.amax(dim, keepdim=True), dim)
    return apply


softmax = _normalised(lambda z, dim: z.exp() / z.exp().sum(dim, keepdim=True))
log_softmax = _normalised(lambda z, dim: z - z.exp().sum(dim, keepdim=True).log())


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, 1)
    if target.ndim == 2:
        weights = target.to(lp.dtype)
    else:
        weights = torch.zeros_like(lp).scatter(1, target.unsqueeze(1), 1.0)
    return -(weights * lp).sum(1).mean()


def entropy(p: Tensor) -> Tensor:
    return torch.special.xlogy(p, p).sum(-1).neg()


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    zero = p == 0
    logp = torch.log(p.masked_fill(zero, 1.0))
    logq = torch.log(q.masked_fill(zero, 1.0))
    return (p * (logp - logq)).masked_fill(zero, 0.0).sum(-1)
