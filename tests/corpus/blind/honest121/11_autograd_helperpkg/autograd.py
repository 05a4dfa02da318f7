"""Autograd — the scalar engine lives in a helper package (scalar_engine/) beside this file."""

from __future__ import annotations

import itertools
from typing import Callable

import torch
from torch import Tensor

from scalar_engine import Value  # noqa: F401  (re-exported: autograd.Value)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    err = w * x - y
    return 2 * (x * err).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    err = w1 * x ** 2 + w2 * x + b - y
    d_b = 2 * err.mean()
    d_w2 = 2 * (err * x).mean()
    d_w1 = 2 * (err * x ** 2).mean()
    return d_w1, d_w2, d_b


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    work = torch.empty_like(x).copy_(x.detach()).requires_grad_()
    f(work).sum().backward()
    return work.grad if work.grad is not None else torch.zeros_like(x)


def detach_grad(x: Tensor) -> Tensor:
    work = x.detach().clone().requires_grad_()
    u = (work * work).detach()
    z = u * work
    z.backward(torch.ones_like(z))      # same as z.sum().backward()
    return work.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        t = torch.exp(-x.abs())
        result = torch.where(x < 0, t, torch.ones_like(t)) / (1 + t)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        result, = ctx.saved_tensors
        return grad_output * result * (1 - result)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    out = torch.zeros_like(x)
    for idx in itertools.product(*map(range, x.shape)):
        saved = x[idx].item()
        x[idx] = saved + eps
        plus = float(f(x))
        x[idx] = saved - eps
        minus = float(f(x))
        x[idx] = saved
        out[idx] = (plus - minus) / (2 * eps)
    return out
