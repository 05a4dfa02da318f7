"""Autograd exercises; the engine and finite differences live in the package ``autodiff``."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from autodiff import Value, central_difference  # noqa: F401


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r = torch.addcmul(-y, w.expand_as(x), x)        # w*x - y
    return torch.mean(2.0 * x * r)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    y_hat = w1 * x.pow(2) + w2 * x + b
    r = y_hat - y
    return tuple((2 * r * t).mean() for t in (x.pow(2), x, torch.ones_like(x)))


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    t = x.detach().clone().requires_grad_(True)
    y = f(t)
    y.backward(torch.ones_like(y))
    return t.grad.detach()


def detach_grad(x: Tensor) -> Tensor:
    t = x.detach().clone().requires_grad_(True)
    y = t * t
    u = y.detach()
    z = u * t
    z.backward(gradient=torch.ones_like(z))
    return t.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        small = x < 0
        ex = torch.exp(torch.where(small, x, -x))          # always exp of a non-positive number
        out = torch.where(small, ex / (1 + ex), 1 / (1 + ex))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    return central_difference(f, x, eps)
