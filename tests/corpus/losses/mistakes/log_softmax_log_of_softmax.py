# mistake: log of the softmax (−inf where it underflows) (breaks: finite at logits of ±1000)
# cause: log_softmax stable_at_large_logits:values
"""Losses exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = (y_hat - y) ** 2
    if reduction == "mean":
        return sq.mean()
    if reduction == "sum":
        return sq.sum()
    if reduction == "none":
        return sq
    raise ValueError(f"unknown reduction {reduction}")


def l1(y_hat, y, reduction="mean"):
    err = torch.abs(y_hat - y)
    match reduction:
        case "mean":
            return err.mean()
        case "sum":
            return err.sum()
        case "none":
            return err
    raise ValueError(reduction)


def huber(y_hat, y, delta=1.0):
    a = (y_hat - y).abs()
    small = torch.clamp(a, max=delta)
    return (0.5 * small**2 + delta * (a - small)).mean()


def sigmoid(x: Tensor) -> Tensor:
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce(p, y):
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    terms = y * torch.maximum(p.log(), floor) + (1 - y) * torch.maximum((1 - p).log(), floor)
    return -terms.sum() / terms.numel()


def bce_with_logits(logits, y):
    z = logits
    return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    e = torch.exp(x - x.max(dim=dim, keepdim=True).values)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    m = x.amax(dim=dim, keepdim=True)
    e = torch.exp(x - m)
    return torch.log(e / e.sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    m = logits.amax(1, keepdim=True)
    lse = (m + (logits - m).exp().sum(1, keepdim=True).log()).squeeze(1)
    if target.shape == logits.shape:
        w = target.to(logits.dtype)
        return ((w * (lse[:, None] - logits)).sum(1)).mean()
    picked = logits[torch.arange(logits.shape[0], device=logits.device), target]
    return (lse - picked).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p, q):
    ratio = torch.log(p / q)
    return (p * ratio).masked_fill(p == 0, 0.0).sum(dim=-1)
