"""Autograd. The scalar engine lives in the scalar_engine package next to this file."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from scalar_engine import Value  # noqa: F401  (the Value exercise)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    y_hat = x * w
    return torch.mean(2 * x * (y_hat - y))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x * x
    r = (w1 * x2 + w2 * x + b) - y
    grads = [torch.mean(2 * r * feat) for feat in (x2, x, torch.ones_like(x))]
    return grads[0], grads[1], grads[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        x_ = x.clone().detach().requires_grad_(True)
        f(x_).backward(torch.ones_like(f(x_)))
    return x_.grad.detach()


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        x_ = x.clone().detach().requires_grad_(True)
        y = x_ * x_
        u = y.detach()
        z = u * x_
        z.sum().backward()
    return x_.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) for x < 0, built from the safe exponent -|x|
        t = torch.exp(-x.abs())
        y = torch.where(x < 0, t, torch.ones_like(t)) / (1 + t)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        y, = ctx.saved_tensors
        return grad_output * y * (1 - y)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    out = torch.empty_like(x)
    xf, of = x.view(-1), out.view(-1)
    for i in range(xf.shape[0]):
        orig = float(xf[i])
        xf[i] = orig + eps
        hi = float(f(x))
        xf[i] = orig - eps
        lo = float(f(x))
        xf[i] = orig
        of[i] = (hi - lo) / (2 * eps)
    return out
