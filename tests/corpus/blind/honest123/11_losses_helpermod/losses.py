"""Losses — built on the helper module ``stable_ops`` beside this file."""

from __future__ import annotations

import torch
from torch import Tensor

import stable_ops
from stable_ops import LOG_FLOOR, logsumexp_keep, plogq, softplus


def reduced(t: Tensor, reduction: str) -> Tensor:
    table = {"mean": torch.mean, "sum": torch.sum}
    if reduction == "none":
        return t
    if reduction not in table:
        raise ValueError(f"bad reduction {reduction!r}")
    return table[reduction](t)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduced(torch.pow(y_hat - y, 2), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return reduced(torch.abs(torch.sub(y_hat, y)), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    ad = d.abs()
    quadratic = ad <= delta
    # square only where it is used (keeps d² from overflowing on the linear side)
    sq = torch.where(quadratic, d, torch.zeros_like(d)).square() * 0.5
    lin = (ad - 0.5 * delta) * delta
    return torch.where(quadratic, sq, lin).mean()


def sigmoid(x: Tensor) -> Tensor:
    return stable_ops.logistic(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.clamp(torch.log(p), min=LOG_FLOOR)
    log_1mp = torch.clamp(torch.log(1 - p), min=LOG_FLOOR)
    return torch.neg(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # −[y·log σ(z) + (1 − y)·log(1 − σ(z))] = y·softplus(−z) + (1 − y)·softplus(z)
    return torch.mean(y * softplus(-logits) + (1 - y) * softplus(logits))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - logsumexp_keep(x, dim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim=dim, keepdim=True).values.detach()
    e = shifted.exp()
    return e / e.sum(dim=dim, keepdim=True)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    if target.ndim == 2:
        soft = target.to(dtype=logp.dtype)
        return -torch.einsum("nc,nc->n", soft, logp).mean()
    onehot = torch.zeros_like(logp).scatter(1, target.unsqueeze(1), 1.0)
    return -(onehot * logp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -plogq(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (plogq(p, p) - plogq(p, q)).sum(dim=-1)
