"""Autograd exercises; the scalar engine lives in scalar_engine.py beside this file."""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

from scalar_engine import Value  # noqa: F401  (re-exported: the exercise's Value)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r = torch.sub(w * x, y)
    return torch.mean(torch.mul(2 * x, r))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x * x
    r = w1 * x2 + w2 * x + b - y
    g = 2 * r
    return torch.mean(g * x2), torch.mean(g * x), torch.mean(g)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    xc = x.detach().clone().requires_grad_()
    out = f(xc)
    (g,) = torch.autograd.grad(out, xc, grad_outputs=torch.ones_like(out))   # same as out.sum()
    return g


def detach_grad(x: Tensor) -> Tensor:
    xc = x.detach().clone().requires_grad_()
    u = (xc * xc).detach()
    (g,) = torch.autograd.grad((u * xc).sum(), xc)
    return g


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        out = torch.empty_like(x)
        pos = x >= 0
        neg = ~pos
        out[pos] = 1 / (1 + torch.exp(-x[pos]))
        ez = torch.exp(x[neg])
        out[neg] = ez / (1 + ez)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    saved = x.detach().clone()
    flat = x.view(-1)
    result = torch.empty_like(x).view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            flat[i] = saved.view(-1)[i] + eps
            hi = float(f(x))
            flat[i] = saved.view(-1)[i] - eps
            lo = float(f(x))
            flat[i] = saved.view(-1)[i]
            result[i] = (hi - lo) / (2 * eps)
        x.copy_(saved)
    return result.view(x.shape)
