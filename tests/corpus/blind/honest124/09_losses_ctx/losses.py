"""Losses — the two numerically delicate pieces (σ and LogSumExp) as custom autograd Functions."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


class _StableSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        neg = x < 0
        e = torch.exp(torch.where(neg, x, -x))          # exponent always ≤ 0
        out = torch.where(neg, e / (1 + e), 1 / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_out: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_out * out * (1 - out)


class _LogSumExp(torch.autograd.Function):
    """log Σ exp(z) along dim (keepdim) of an already shifted z (all exponents ≤ 0);
    backward is the softmax exp(z − lse)."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", z: Tensor, dim: int) -> Tensor:
        lse = torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))
        ctx.save_for_backward(z, lse)
        return lse

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_out: Tensor):
        x, lse = ctx.saved_tensors
        return grad_out * torch.exp(x - lse), None


def _shift(x: Tensor, dim: int) -> Tensor:
    return x - x.amax(dim=dim, keepdim=True).detach()


def _apply_reduction(values: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return torch.mean(values)
    if reduction == "sum":
        return torch.sum(values)
    if reduction == "none":
        return values
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _apply_reduction(torch.square(y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _apply_reduction(torch.abs(y_hat - y), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    ad = d.abs()
    inside = ad <= delta
    safe = torch.where(inside, d, torch.zeros_like(d))
    return torch.where(inside, 0.5 * safe.square(), delta * (ad - 0.5 * delta)).mean()


def sigmoid(x: Tensor) -> Tensor:
    return _StableSigmoid.apply(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.log(p).clamp(min=-100.0)
    lq = torch.log(1.0 - p).clamp(min=-100.0)
    return torch.neg(torch.mean(y * lp + (1.0 - y) * lq))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # softplus(z) − y·z written with max(z, 0) + log1p(e^(−|z|)) for each label term separately
    sp_pos = logits.clamp(min=0) + torch.log1p(torch.exp(-logits.abs()))     # softplus(z)
    sp_neg = (-logits).clamp(min=0) + torch.log1p(torch.exp(-logits.abs()))  # softplus(−z)
    return torch.mean(y * sp_neg + (1 - y) * sp_pos)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = _shift(x, dim)
    return torch.exp(z - _LogSumExp.apply(z, dim))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = _shift(x, dim)
    return z - _LogSumExp.apply(z, dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, 1)
    n = logits.shape[0]
    if target.shape == logits.shape:
        return -(lsm * target.to(lsm.dtype)).sum() / n
    rows = torch.arange(n, device=logits.device)
    return -lsm[rows, target].sum() / n


def entropy(p: Tensor) -> Tensor:
    return -torch.special.xlogy(p, torch.where(p > 0, p, torch.ones_like(p))).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    p_safe = torch.where(p > 0, p, torch.ones_like(p))
    return (torch.special.xlogy(p, p_safe) - torch.special.xlogy(p, q)).sum(-1)
