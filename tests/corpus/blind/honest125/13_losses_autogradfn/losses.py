"""Losses — LogSumExp as a custom autograd Function (typed ctx, once_differentiable), logaddexp elsewhere."""

from __future__ import annotations

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


class _LogSumExp(torch.autograd.Function):
    """LSE along dim (keepdim); backward is grad · softmax, from the saved probabilities."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor, dim: int) -> Tensor:
        m = x.amax(dim=dim, keepdim=True)
        out = m + (x - m).exp().sum(dim=dim, keepdim=True).log()
        ctx.save_for_backward((x - out).exp())
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_out: Tensor):
        (probs,) = ctx.saved_tensors
        return grad_out * probs, None


def _reduce(values: Tensor, reduction: str) -> Tensor:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"bad reduction {reduction!r}")
    if reduction == "none":
        return values
    return values.sum() if reduction == "sum" else values.mean()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Element-wise squares, then the reduction."""
    return _reduce((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """Element-wise absolute differences, then the reduction."""
    return _reduce((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """0.5·min(|d|, δ)² + δ·relu-free excess (|d| − min(|d|, δ))."""
    a = (y_hat - y).abs()
    m = torch.minimum(a, torch.full_like(a, delta))
    return torch.mean(0.5 * m * m + delta * (a - m))


def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = exp(−log(1 + e^(−x))) = exp(−logaddexp(0, −x))."""
    return torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    """Floored logs, like BCELoss."""
    logs_p = torch.log(p).clamp(min=-100.0)
    logs_q = torch.log(1 - p).clamp(min=-100.0)
    return (-(y * logs_p) - (1 - y) * logs_q).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """softplus(z) = logaddexp(0, z), stable at ±1000."""
    zero = torch.zeros_like(logits)
    return (y * torch.logaddexp(zero, -logits) + (1 - y) * torch.logaddexp(zero, logits)).mean()


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x − LSE(x) with my own LogSumExp Function."""
    return x - _LogSumExp.apply(x, dim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp of my log_softmax."""
    return log_softmax(x, dim).exp()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Mean over rows of −log p at the target (indices) or −Σ target·log p (probabilities)."""
    logp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        return -logp.gather(1, target[:, None]).mean()
    return -(logp * target.to(logp.dtype)).sum(1).mean()


def entropy(p: Tensor) -> Tensor:
    """−Σ p·log p, with log evaluated only where p > 0."""
    logp = torch.where(p > 0, p, torch.ones_like(p)).log()
    return -(p * logp).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """Σ p·(log p − log q) over the last dim; 0 where p = 0 (logs taken of safe stand-ins there)."""
    nz = p > 0
    log_p = torch.where(nz, p, torch.ones_like(p)).log()
    log_q = torch.where(nz, q, torch.ones_like(q)).log()
    return torch.where(nz, p * (log_p - log_q), torch.zeros_like(p)).sum(-1)
