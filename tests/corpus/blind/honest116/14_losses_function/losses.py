"""Losses; sigmoid is a custom autograd Function whose backward reuses the saved output."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


class StableSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        e = torch.exp(-torch.abs(x))
        s = torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", g: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        # written with differentiable ops, so double backward works too
        return g * s * (1.0 - s)


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = torch.pow(y_hat - y, 2)
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    a = torch.abs(torch.sub(y_hat, y))
    if reduction == "none":
        return a
    return a.sum() if reduction == "sum" else a.mean()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    err = y_hat - y
    abs_err = err.abs()
    quadratic = torch.minimum(abs_err, torch.full_like(abs_err, delta))
    linear = abs_err - quadratic
    return torch.mean(0.5 * quadratic.pow(2) + delta * linear)


def sigmoid(x: Tensor) -> Tensor:
    return StableSigmoid.apply(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100)
    log_not_p = torch.log(1 - p).clamp(min=-100)
    loss = -(y * log_p + (1 - y) * log_not_p)
    return loss.mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = x.max(dim, keepdim=True)[0]
    lse = c + (x - c).exp().sum(dim, keepdim=True).log()
    return x - lse


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    c = x.max(dim, keepdim=True)[0]
    num = (x - c).exp()
    return num / num.sum(dim, keepdim=True)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    logp = log_softmax(logits, dim=1)
    n = logits.shape[0]
    if target.shape == (n,):
        return -logp[torch.arange(n, device=logits.device), target].sum() / n
    return -(target * logp).sum() / n


def entropy(p: Tensor) -> Tensor:
    return torch.xlogy(p, p).sum(-1).neg()


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    log_ratio = torch.where(p > 0, torch.log(p) - torch.log(q), torch.zeros_like(p))
    return (torch.where(p > 0, p, torch.zeros_like(p)) * log_ratio).sum(-1)
