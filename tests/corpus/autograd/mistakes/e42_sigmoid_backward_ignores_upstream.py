# mistake: sigmoid backward ignores upstream (breaks: Sigmoid.backward: returns grad_output·σ·(1 − σ))
# cause: Sigmoid mistake:no-grad-output
"""Autograd, written from the docstrings."""

from __future__ import annotations

import itertools
import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = w1 * x * x + w2 * x + b - y
    return (2 * r * x * x).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    f(leaf).sum().backward()
    return leaf.grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    z.sum().backward()
    return leaf.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.zeros_like(x)
    for idx in itertools.product(*(range(size) for size in x.shape)):
        old = x[idx].item()
        with torch.no_grad():
            x[idx] = old + eps
        hi = float(f(x))
        with torch.no_grad():
            x[idx] = old - eps
        lo = float(f(x))
        with torch.no_grad():
            x[idx] = old
        grad[idx] = (hi - lo) / (2 * eps)
    return grad


class Value:
    def __init__(self, data: float, parents: tuple = (), local: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents = parents
        self._local = local

    @staticmethod
    def _wrap(other) -> "Value":
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value._wrap(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = Value._wrap(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value._wrap(other))

    def __rsub__(self, other):
        return Value._wrap(other) + (-self)

    def __pow__(self, k):
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, other):
        return self * Value._wrap(other) ** -1

    def __rtruediv__(self, other):
        return Value._wrap(other) * self**-1

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for p in node._parents:
                if id(p) not in seen:
                    stack.append((p, False))
        self.grad = 1.0
        for node in reversed(order):
            for p, d in zip(node._parents, node._local):
                p.grad += d * node.grad
