"""Losses — typed, with Literal reductions and a small demo under __main__."""
from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor

Reduction = Literal["mean", "sum", "none"]


def _apply_reduction(loss: Tensor, reduction: Reduction) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: Reduction = "mean") -> Tensor:
    diff: Tensor = y_hat - y
    return _apply_reduction(diff * diff, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: Reduction = "mean") -> Tensor:
    return _apply_reduction((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d: Tensor = y_hat - y
    small: Tensor = d.abs() <= delta
    quadratic: Tensor = 0.5 * d.pow(2)
    linear: Tensor = delta * (d.abs() - 0.5 * delta)
    return torch.where(small, quadratic, linear).mean()


def sigmoid(x: Tensor) -> Tensor:
    out: Tensor = torch.empty_like(x)
    pos: Tensor = x >= 0
    neg: Tensor = ~pos
    out = torch.where(pos, 1 / (1 + torch.exp(-x.clamp(min=0))), torch.exp(x.clamp(max=0)) / (1 + torch.exp(x.clamp(max=0))))
    return out


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p: Tensor = torch.log(p).clamp_min(-100)
    log_not_p: Tensor = torch.log1p(-p).clamp_min(-100)
    return torch.mean(-(y * log_p + (1 - y) * log_not_p))


def _softplus_stable(z: Tensor) -> Tensor:
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(_softplus_stable(logits) - y * logits)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    m: Tensor = torch.amax(x, dim=dim, keepdim=True)
    z: Tensor = x - m
    return z - torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z: Tensor = x - torch.amax(x, dim=dim, keepdim=True)
    ez: Tensor = torch.exp(z)
    return ez / torch.sum(ez, dim=dim, keepdim=True)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp: Tensor = log_softmax(logits, dim=1)
    if target.ndim == 1:  # class indices
        target = F.one_hot(target, num_classes=logits.shape[1])
    return -(target.to(logp.dtype) * logp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    plogp: Tensor = torch.where(p > 0, p * torch.log(torch.where(p > 0, p, torch.ones_like(p))), torch.zeros_like(p))
    return -plogp.sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.sum(torch.xlogy(p, p) - torch.xlogy(p, q), dim=-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    logits = torch.randn(4, 3)
    labels = torch.tensor([0, 2, 1, 1])
    print("mine :", cross_entropy(logits, labels).item())
    print("torch:", F.cross_entropy(logits, labels).item())
    print("softmax rows sum to", softmax(logits).sum(-1))
