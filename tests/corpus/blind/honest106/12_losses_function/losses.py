"""Losses — sigmoid as a custom autograd Function (backward from the saved output), reused by bce_with_logits' demo."""

from __future__ import annotations

import math  # noqa: F401
from functools import partial

import torch
import torch.nn.functional as F
from torch import Tensor, nn  # noqa: F401
from torch.autograd.function import FunctionCtx, once_differentiable


class StableSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    @once_differentiable
    def backward(ctx: FunctionCtx, grad: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad * s * (1 - s)


def _apply_reduction(values: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    if reduction == "mean":
        return values.mean()
    raise ValueError(reduction)


def _pointwise_loss(kind: str, y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = y_hat - y
    return _apply_reduction(d.square() if kind == "sq" else d.abs(), reduction)


mse = partial(_pointwise_loss, "sq")
l1 = partial(_pointwise_loss, "abs")


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    ad = d.abs()
    return torch.where(ad < delta, d.pow(2) / 2, delta * ad - delta ** 2 / 2).mean()


def sigmoid(x: Tensor) -> Tensor:
    return StableSigmoid.apply(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log().clamp(-100) + (1 - y) * (1 - p).log().clamp(-100)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # log σ(z) = logsigmoid(z), log(1 − σ(z)) = logsigmoid(−z)
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim, keepdim=True)[0]
    num = shifted.exp()
    return num / num.sum(dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim, keepdim=True)[0]
    return shifted - shifted.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    log_p = log_softmax(logits, 1)
    n = logits.size(0)
    if target.shape == logits.shape:
        return -(target * log_p).sum() / n
    return -log_p[range(n), target].sum() / n


def entropy(p: Tensor) -> Tensor:
    plogp = torch.where(p == 0, torch.zeros_like(p), p * torch.log(p))
    return -plogp.sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)


if __name__ == "__main__":
    z = torch.linspace(-1000, 1000, 7, requires_grad=True)
    y = (z > 0).float()
    loss = bce_with_logits(z, y)
    loss.backward()
    print(loss.item(), z.grad, sigmoid(z))
