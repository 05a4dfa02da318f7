"""Losses with an Enum for the reductions, a dataclass for huber, and match statements."""

from __future__ import annotations

import enum
from dataclasses import dataclass

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
            case Reduction.NONE:
                return t


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return Reduction(reduction).apply((y_hat - y) ** 2)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return Reduction(reduction).apply((y_hat - y).abs())


@dataclass(frozen=True)
class _Huber:
    delta: float

    def __call__(self, d: Tensor) -> Tensor:
        a = d.abs()
        small = a <= self.delta
        return torch.where(small, 0.5 * torch.where(small, a, 0.0) ** 2, self.delta * (a - 0.5 * self.delta))


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return _Huber(delta)(y_hat - y).mean()


def sigmoid(x: Tensor) -> Tensor:
    pos = torch.exp(-torch.clamp(x, min=0))     # e^{-x} for x >= 0, 1 otherwise
    neg = torch.exp(torch.clamp(x, max=0))      # e^{x} for x < 0, 1 otherwise
    return torch.where(x >= 0, 1 / (1 + pos), neg / (1 + neg))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    return -(y * torch.maximum(p.log(), floor) + (1 - y) * torch.maximum((1 - p).log(), floor)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    z = logits
    # softplus(z) − y·z, written so both tails keep their tiny terms
    loss = torch.clamp(z, min=0) - y * z + torch.log1p(torch.exp(-z.abs()))
    return loss.mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.amax(dim, keepdim=True)
    ez = z.exp()
    return ez / ez.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - x.amax(dim, keepdim=True)
    return z - z.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    match target.dim():
        case 1:
            nll = -lp.gather(1, target.unsqueeze(1)).squeeze(1)
        case 2:
            nll = -(target.to(lp.dtype) * lp).sum(dim=1)
        case _:
            raise ValueError("target must be (n,) or (n, c)")
    return nll.mean()


def entropy(p: Tensor) -> Tensor:
    logp = torch.log(torch.where(p > 0, p, 1.0))
    return -(p * logp).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    ratio_log = torch.log(torch.where(p > 0, p, 1.0)) - torch.log(q)
    return torch.where(p > 0, p * ratio_log, 0.0).sum(-1)
