# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Losses — functional, match statements, torch.logaddexp for every softplus."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _reduced(values: Tensor, reduction: str) -> Tensor:
    match reduction:
        case "mean":
            return values.mean()
        case "sum":
            return values.sum()
        case "none":
            return values
        case _:
            raise ValueError(f"bad reduction {reduction!r}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    diff = torch.sub(y_hat, y)
    return _reduced(torch.mul(diff, diff), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduced(torch.sub(y_hat, y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    # quadratic part up to δ plus linear part beyond: with c = min(|d|, δ),
    # 0.5·c² + δ·(|d| − c) equals both pieces of the definition
    a = torch.sub(y_hat, y).abs()
    c = torch.minimum(a, torch.full_like(a, delta))
    return torch.mean(0.5 * c * c + delta * (a - c))


def _softplus(z: Tensor) -> Tensor:
    return torch.logaddexp(torch.zeros_like(z), z)     # log(1 + e^z), computed stably


def sigmoid(x: Tensor) -> Tensor:
    return torch.exp(-_softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    term1 = y * torch.maximum(torch.log(p), floor)
    term0 = (1 - y) * torch.maximum(torch.log1p(-p), floor)
    return torch.neg(torch.mean(term1 + term0))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * _softplus(-logits) + (1 - y) * _softplus(logits))


def _lse(x: Tensor, dim: int) -> Tensor:
    m = torch.amax(x, dim=dim, keepdim=True)
    return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(x - _lse(x, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m = torch.amax(x, dim=dim, keepdim=True)
    z = x - m
    return z - torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    match target.dim():
        case 1:
            return -torch.take_along_dim(logp, target[:, None], dim=1).mean()
        case _:
            return -torch.sum(target.to(logp.dtype) * logp, dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, torch.where(p > 0, p, torch.ones_like(p))).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    ones = torch.ones_like(p)
    pos = p > 0
    # xlogy(p, p) − xlogy(p, q): 0 where p == 0, +inf where q == 0 < p
    return (torch.xlogy(p, torch.where(pos, p, ones)) - torch.xlogy(p, torch.where(pos, q, ones))).sum(dim=-1)
