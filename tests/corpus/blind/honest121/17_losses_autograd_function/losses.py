"""Losses — a custom torch.autograd.Function for the sigmoid, F.softplus for the logit losses,
and a dispatch table of reductions."""

from __future__ import annotations

from typing import Callable, Dict

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.autograd.function import once_differentiable

REDUCTIONS: Dict[str, Callable[[Tensor], Tensor]] = {
    "mean": torch.mean,
    "sum": torch.sum,
    "none": lambda t: t,
}


def _reduced(fn: Callable[[Tensor, Tensor], Tensor]) -> Callable[..., Tensor]:
    """Turn an element-wise loss into one taking reduction="mean" | "sum" | "none"."""

    def wrapper(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
        try:
            reducer = REDUCTIONS[reduction]
        except KeyError:
            raise ValueError(f"reduction must be one of {sorted(REDUCTIONS)}") from None
        return reducer(fn(y_hat, y))

    # name and doc by hand: functools.wraps would make inspect report fn's (y_hat, y) signature
    wrapper.__name__ = wrapper.__qualname__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@_reduced
def mse(y_hat: Tensor, y: Tensor) -> Tensor:
    return (y_hat - y).pow(2)


@_reduced
def l1(y_hat: Tensor, y: Tensor) -> Tensor:
    return (y_hat - y).abs()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = (y_hat - y).abs()
    clipped = d.clamp(max=delta)
    return (clipped * (d - 0.5 * clipped)).mean()   # = 0.5·d² inside, δ·(|d| − δ/2) outside


class _StableSigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        t = torch.exp(-x.abs())
        s = torch.where(x >= 0, 1.0 / (1.0 + t), t / (1.0 + t))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", g: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return g * s * (1.0 - s)


def sigmoid(x: Tensor) -> Tensor:
    return _StableSigmoid.apply(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    lo = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    return -(y * torch.maximum(torch.log(p), lo) + (1 - y) * torch.maximum(torch.log(1 - p), lo)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    # −[y·log σ(z) + (1 − y)·log(1 − σ(z))] = y·softplus(−z) + (1 − y)·softplus(z)
    return torch.mean(y * F.softplus(-logits) + (1 - y) * F.softplus(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim=dim, keepdim=True).values
    num = shifted.exp()
    return num / num.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    shifted = x - x.max(dim=dim, keepdim=True).values
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lp = log_softmax(logits, dim=1)
    if target.shape != logits.shape:             # class indices (n,)
        target = F.one_hot(target, num_classes=logits.shape[1])
    return -(target.to(lp.dtype) * lp).sum(dim=1).mean()


def entropy(p: Tensor) -> Tensor:
    return -torch.special.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    terms = torch.special.xlogy(p, p) - torch.special.xlogy(p, q)
    return terms.sum(dim=-1)
