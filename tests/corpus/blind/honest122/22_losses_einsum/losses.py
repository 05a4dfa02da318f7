"""Losses with einsum for the contractions."""

from __future__ import annotations

import torch
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = y_hat - y
    if reduction == "none":
        return d * d
    flat = d.reshape(-1)
    total = torch.einsum("i,i->", flat, flat)
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / flat.numel()
    raise ValueError(reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    a = (y_hat - y).abs()
    return {"none": lambda: a, "sum": a.sum, "mean": a.mean}[reduction]()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    a = d.abs()
    quadratic = a <= delta
    safe = torch.where(quadratic, d, torch.zeros_like(d))
    per = torch.where(quadratic, 0.5 * safe * safe, delta * (a - 0.5 * delta))
    return per.mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    r = 1 / (1 + e)
    return torch.where(x >= 0, r, e * r)


def bce(p: Tensor, y: Tensor) -> Tensor:
    terms = y * torch.log(p).clamp(min=-100) + (1 - y) * torch.log(1 - p).clamp(min=-100)
    return -terms.mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    sp_pos = torch.logaddexp(torch.zeros_like(logits), logits)      # softplus(z)
    sp_neg = torch.logaddexp(torch.zeros_like(logits), -logits)     # softplus(-z)
    return (y * sp_neg + (1 - y) * sp_pos).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = (x - x.amax(dim, keepdim=True)).exp()
    return e / e.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.amax(dim, keepdim=True)
    return z - z.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        target = torch.zeros_like(lp).scatter_(1, target.unsqueeze(1), 1.0)
    per_row = torch.einsum("nc,nc->n", target.to(lp.dtype), lp)
    return -per_row.mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    live = p > 0
    lp = torch.where(live, p, torch.ones_like(p)).log()
    lq = torch.where(live, q, torch.ones_like(q)).log()
    terms = torch.where(live, p * (lp - lq), torch.zeros_like(p))
    return torch.einsum("...k->...", terms)
