"""Losses — I keep my own functional namespace and call it F, like torch's."""
from __future__ import annotations

import torch
from torch import Tensor


class F:
    """My own small functional library (not torch.nn.functional)."""

    @staticmethod
    def relu(x: Tensor) -> Tensor:
        return torch.where(x > 0, x, torch.zeros_like(x))

    @staticmethod
    def softplus(z: Tensor) -> Tensor:
        return F.relu(z) + torch.log1p(torch.exp(-z.abs()))

    @staticmethod
    def logsigmoid(z: Tensor) -> Tensor:
        return -F.softplus(-z)

    @staticmethod
    def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
        m = x.max(dim=dim, keepdim=True)[0]
        z = x - m
        return z - z.exp().sum(dim=dim, keepdim=True).log()

    @staticmethod
    def softmax(x: Tensor, dim: int = -1) -> Tensor:
        return F.log_softmax(x, dim).exp()

    @staticmethod
    def sigmoid(x: Tensor) -> Tensor:
        return F.logsigmoid(x).exp()

    @staticmethod
    def reduce(t: Tensor, reduction: str) -> Tensor:
        if reduction == "none":
            return t
        return t.sum() if reduction == "sum" else t.mean()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.reduce((y_hat - y) * (y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = (y_hat - y).abs()
    clipped = torch.minimum(d, torch.full_like(d, delta))
    # 0.5·c² + δ·(d − c): equals 0.5·d² inside, δ·(d − δ/2) outside
    return (0.5 * clipped * clipped + delta * (d - clipped)).mean()


def sigmoid(x: Tensor) -> Tensor:
    return F.sigmoid(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.maximum(p.log(), torch.full_like(p, -100.0))
    log_q = torch.maximum((1 - p).log(), torch.full_like(p, -100.0))
    return -(y * log_p + (1 - y) * log_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.softmax(x, dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.log_softmax(x, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = F.log_softmax(logits, dim=1)
    if target.dim() == 2:
        return -(target.type_as(logp) * logp).sum(1).mean()
    return -logp.gather(1, target.view(-1, 1)).mean()


def entropy(p: Tensor) -> Tensor:
    logp = torch.where(p > 0, p, torch.ones_like(p)).log()
    return -(p * logp).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    nz = p > 0
    ratio = torch.where(nz, p, torch.ones_like(p)) / torch.where(nz, q, torch.ones_like(q))
    return torch.where(nz, p * ratio.log(), torch.zeros_like(p)).sum(-1)
