"""Autograd — numpy-minded: formulas with explicit reductions, np.ndindex loops, a dataclass node."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r = w * x - y
    return 2 * (x * r).sum() / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    n = x.shape[0]
    feats = torch.stack([x * x, x, torch.ones_like(x)])          # (3, n): d y_hat / d (w1, w2, b)
    r = w1 * feats[0] + w2 * feats[1] + b - y
    g = 2 * (feats * r).sum(dim=1) / n
    return g[0], g[1], g[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        z = x.detach().clone()
        z.requires_grad = True
        y = f(z)
        y.backward(torch.ones_like(y))
    return z.grad


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        x = x.detach().clone().requires_grad_()
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
    return x.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        # exp of -|x| never overflows; σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) = 1 − 1/(1+e) for x < 0
        e = (-x.abs()).exp()
        num = torch.where(x < 0, e, torch.ones_like(e))
        y = num / (1 + e)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        y, = ctx.saved_tensors
        return grad_output * (y - y * y)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        orig = float(x[idx])
        x[idx] = orig + eps
        f_plus = float(f(x))
        x[idx] = orig - eps
        f_minus = float(f(x))
        x[idx] = orig
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


@dataclass(eq=False)
class Value:
    data: float
    grad: float = 0.0
    _prev: tuple = field(default=(), repr=False)
    _grad_fn: Callable[[float], tuple] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)

    @staticmethod
    def _v(o) -> "Value":
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = Value._v(o)
        return Value(self.data + o.data, _prev=(self, o), _grad_fn=lambda g: (g, g))

    def __mul__(self, o):
        o = Value._v(o)
        a, b = self.data, o.data
        return Value(a * b, _prev=(self, o), _grad_fn=lambda g: (g * b, g * a))

    def __pow__(self, k):
        a = self.data
        return Value(a ** k, _prev=(self,), _grad_fn=lambda g: (g * k * a ** (k - 1),))

    def __truediv__(self, o):
        return self * Value._v(o) ** -1

    def __rtruediv__(self, o):
        return Value._v(o) * self ** -1

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-Value._v(o))

    def __rsub__(self, o):
        return Value._v(o) + (-self)

    __radd__ = __add__
    __rmul__ = __mul__

    def exp(self):
        e = math.exp(self.data)
        return Value(e, _prev=(self,), _grad_fn=lambda g: (g * e,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, _prev=(self,), _grad_fn=lambda g: (g * (1 - t * t),))

    def relu(self):
        pos = self.data > 0
        return Value(self.data if pos else 0.0, _prev=(self,), _grad_fn=lambda g: (g if pos else 0.0,))

    def backward(self) -> None:
        order, seen, stack = [], set(), [self]
        while stack:
            node = stack.pop()
            if isinstance(node, tuple):          # ("done", node): all parents emitted
                order.append(node[1])
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append(("done", node))
            stack.extend(node._prev)
        post = order[::-1]
        self.grad = 1.0
        for node in post:
            if node._grad_fn is None:
                continue
            for parent, g in zip(node._prev, node._grad_fn(node.grad)):
                parent.grad += g
