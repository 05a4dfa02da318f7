"""Losses with a small reduction table and typing.Literal."""

from __future__ import annotations

import functools
from typing import Callable, Dict, Literal

import torch
from torch import Tensor

Reduction = Literal["mean", "sum", "none"]

_REDUCE: Dict[str, Callable[[Tensor], Tensor]] = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}


def elementwise(fn: Callable[[Tensor, Tensor], Tensor]):
    """Turn an element-wise loss into one that takes a reduction argument."""

    @functools.wraps(fn)
    def wrapper(y_hat: Tensor, y: Tensor, reduction: Reduction = "mean") -> Tensor:
        return _REDUCE[reduction](fn(y_hat, y))

    return wrapper


@elementwise
def mse(y_hat: Tensor, y: Tensor) -> Tensor:
    diff = y_hat - y
    return diff * diff


@elementwise
def l1(y_hat: Tensor, y: Tensor) -> Tensor:
    return (y_hat - y).abs()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    inside = a <= delta
    a_in = a.masked_fill(~inside, 0.0)
    loss = torch.where(inside, 0.5 * a_in ** 2, delta * (a - 0.5 * delta))
    return loss.mean()


def sigmoid(x: Tensor) -> Tensor:
    neg_abs = -x.abs()
    z = neg_abs.exp()
    num = torch.where(x >= 0, torch.ones_like(z), z)
    return num / (1 + z)


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = -100.0
    terms = y * p.log().clamp(min=floor) + (1 - y) * torch.log1p(-p).clamp(min=floor)
    return -terms.mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # max(z, 0) - y*z + log(1 + e^{-|z|}) would drop the other label's tail term,
    # so keep both softplus terms, each with log1p
    tail = torch.log1p(torch.exp(-logits.abs()))
    sp_pos = logits.clamp(min=0) + tail          # softplus(z)
    sp_neg = (-logits).clamp(min=0) + tail       # softplus(-z)
    return (y * sp_neg + (1 - y) * sp_pos).mean()


def _shift(x: Tensor, dim: int) -> Tensor:
    return x - x.amax(dim=dim, keepdim=True)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = _shift(x, dim).exp()
    return e / e.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    s = _shift(x, dim)
    return s - s.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, 1)
    is_index = target.ndim == 1
    if is_index:
        nll = -lp.gather(dim=1, index=target.view(-1, 1)).view(-1)
    else:
        nll = -(lp * target).sum(1)
    return nll.mean()


def entropy(p: Tensor) -> Tensor:
    plogp = torch.where(p > 0, p * torch.where(p > 0, p, torch.ones_like(p)).log(), torch.zeros_like(p))
    return -plogp.sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.sum(torch.xlogy(p, p) - torch.xlogy(p, q), dim=-1)
