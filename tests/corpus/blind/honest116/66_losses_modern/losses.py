"""Losses — an Enum for the reduction, match statements, unbound Tensor methods."""

from __future__ import annotations

import enum

import torch
from torch import Tensor


class Reduction(str, enum.Enum):
    MEAN = "mean"
    SUM = "sum"
    NONE = "none"

    def apply(self, t: Tensor) -> Tensor:
        match self:
            case Reduction.MEAN:
                return t.mean()
            case Reduction.SUM:
                return t.sum()
            case _:
                return t


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return Reduction(reduction).apply(torch.Tensor.pow(y_hat - y, 2))


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return Reduction(reduction).apply(torch.Tensor.abs(y_hat - y))


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    a = (y_hat - y).abs()
    q = torch.where(a < delta, a, torch.full_like(a, delta))
    return (0.5 * q * q + delta * (a - q)).mean()


def sigmoid(x: Tensor) -> Tensor:
    t = torch.exp(-x.abs())
    return torch.where(x.signbit(), t, torch.ones_like(t)) / (1 + t)


def bce(p: Tensor, y: Tensor) -> Tensor:
    lo = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    return -(y * torch.maximum(p.log(), lo) + (1 - y) * torch.maximum((1 - p).log(), lo)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    base = torch.log1p(torch.exp(-logits.abs()))
    return (y * (base + torch.relu(-logits)) + (1 - y) * (base + torch.relu(logits))).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = torch.exp(x - x.amax(dim, keepdim=True))
    return z / z.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.amax(dim, keepdim=True)
    return z - torch.log(torch.exp(z).sum(dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, 1)
    match target.dim():
        case 1:
            return -lp.take_along_dim(target[:, None], dim=1).mean()
        case 2:
            return -(lp * target).sum(1).mean()
        case d:
            raise ValueError(f"target of {d} dims")


def entropy(p: Tensor) -> Tensor:
    return torch.special.xlogy(p, p).sum(-1).neg()


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return torch.special.xlogy(p, p).sub(torch.special.xlogy(p, q)).sum(-1)
