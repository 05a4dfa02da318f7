"""Losses built on hand-written torch.autograd.Function classes (forward and backward by hand)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.autograd.function import once_differentiable


class StableSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        # written with differentiable ops, so double backward works too
        return grad * out * (1 - out)


class LogSumExp(torch.autograd.Function):
    """log Σ exp(x) along dim (kept), gradient softmax(x)."""

    @staticmethod
    def forward(ctx, x: Tensor, dim: int) -> Tensor:
        m = x.amax(dim=dim, keepdim=True)
        m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
        e = torch.exp(x - m)
        s = e.sum(dim=dim, keepdim=True)
        out = m + s.log()
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad: Tensor):
        x, out = ctx.saved_tensors
        return grad * torch.exp(x - out), None


def _reduce(t: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return t.mean()
    if reduction == "sum":
        return t.sum()
    if reduction == "none":
        return t
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    r = (y_hat - y).abs()
    return torch.where(r < delta, 0.5 * r ** 2, delta * (r - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    return StableSigmoid.apply(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return -(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # log σ(z) = -softplus(-z), log(1-σ(z)) = -softplus(z); softplus uses log1p, so tails survive
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return x - LogSumExp.apply(x, dim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.exp(log_softmax(x, dim))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, 1)
    if target.dim() == logits.dim():
        return -(target * logp).sum(1).mean()
    return -logp.gather(1, target[:, None]).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.xlogy(p, p).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)
