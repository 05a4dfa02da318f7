# mistake: five-point stencil (f(x−2ε) − 8f(x−ε) + 8f(x+ε) − f(x+2ε))/12ε instead of central differences (breaks: central differences (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε)
# cause: numerical_grad numerical_grad_is_the_two_point_stencil:values
"""Autograd exercises."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    feats = torch.stack([x * x, x, torch.ones_like(x)])          # (3, n)
    y_hat = w1 * feats[0] + w2 * feats[1] + b * feats[2]
    g = (2.0 / x.numel()) * (feats * (y_hat - y)).sum(dim=1)   # (3,)
    return g[0], g[1], g[2]


def grad_of_vector_fn(f, x):
    t = x.detach().clone()
    t.requires_grad = True
    y = f(t)
    y.backward(torch.ones_like(y))
    return t.grad


def detach_grad(x: Tensor) -> Tensor:
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return x.grad


class Sigmoid(torch.autograd.Function):
    """Stable forward, backward from the saved output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-x.abs())
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f, x, eps=1e-6):
    values = []
    for i in range(x.numel()):
        e = torch.zeros(x.numel(), dtype=x.dtype, device=x.device)
        e[i] = eps
        e = e.reshape(x.shape)
        values.append((float(f(x - 2 * e)) - 8 * float(f(x - e)) + 8 * float(f(x + e)) - float(f(x + 2 * e))) / (12 * eps))
    return torch.tensor(values, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    """micrograd style: each node keeps a closure that pushes its grad to its parents."""

    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents
        self._backward = lambda: None

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = Value._wrap(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._wrap(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value._wrap(other))

    def __rsub__(self, other):
        return Value._wrap(other) + (-self)

    def __truediv__(self, other):
        return self * Value._wrap(other) ** -1

    def __rtruediv__(self, other):
        return Value._wrap(other) * self**-1

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,))

        def _backward():
            self.grad += e * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
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
            node._backward()
