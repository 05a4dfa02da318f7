"""Autograd — partial: the hand-derived gradients and the custom Sigmoid; the rest is still the stub."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y))."""
    return torch.mean(torch.mul(2 * x, torch.sub(w * x, y)))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """(mean(2·r·x²), mean(2·r·x), mean(2·r)) with r = y_hat − y."""
    r2 = 2 * (torch.addcmul(w2 * x + b, w1, x * x) - y)
    return (r2 * x * x).mean(), (r2 * x).mean(), r2.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    raise NotImplementedError("grad_of_vector_fn: copy x, requires_grad_, f(copy).sum().backward()")


def detach_grad(x: Tensor) -> Tensor:
    raise NotImplementedError("detach_grad: build y, detach it into u, backprop z = u * x")


class Sigmoid(torch.autograd.Function):
    """σ(x) = e^min(x,0) / (1 + e^−|x|): both exponents are ≤ 0."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        top = torch.exp(torch.clamp(x, max=0))
        out = top / (1 + torch.exp(-x.abs()))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    raise NotImplementedError("numerical_grad: perturb one element at a time, both ways")


class Value:
    def __init__(self, data: float) -> None:
        raise NotImplementedError("Value: store data, grad = 0.0, the parents and a backward step")
