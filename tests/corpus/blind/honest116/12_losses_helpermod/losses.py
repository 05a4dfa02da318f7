"""Losses, using the helpers in loss_helpers.py next to this file."""

from __future__ import annotations

import torch
from torch import Tensor

import loss_helpers as H


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return H.reduce((y_hat - y).square(), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return H.reduce(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    small = d.abs() <= delta
    # square only where it is used, so a huge d never overflows
    d_small = torch.where(small, d, torch.zeros_like(d))
    per = torch.where(small, 0.5 * d_small * d_small, delta * (d.abs() - 0.5 * delta))
    return per.mean()


def sigmoid(x: Tensor) -> Tensor:
    return torch.exp(-H.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = p.log().clamp_min(-100.0)
    lq = (1 - p).log().clamp_min(-100.0)
    return torch.mean(-(y * lp + (1 - y) * lq))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # -[y log σ(z) + (1-y) log(1-σ(z))] = y softplus(-z) + (1-y) softplus(z)
    return torch.mean(y * H.softplus(-logits) + (1 - y) * H.softplus(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - H.logsumexp(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=-1)
    if target.shape == logits.shape:
        return -(target.to(lsm.dtype) * lsm).sum(-1).mean()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -lsm[rows, target].mean()


def entropy(p: Tensor) -> Tensor:
    return -(torch.special.xlogy(p, p)).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.special.xlogy(p, p).sum(-1) - torch.special.xlogy(p, q).sum(-1)
