"""Autograd — custom Function with an annotated ctx and once_differentiable; an iterative Value."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y          # residual first: no cancellation at w·x ≈ y
    return torch.mean(2 * x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x * x
    r2 = 2 * (w1 * x2 + w2 * x + b - y)
    return (r2 * x2).mean(), (r2 * x).mean(), r2.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    out = f(leaf)
    (g,) = torch.autograd.grad(out.sum(), leaf, allow_unused=True)
    return torch.zeros_like(leaf) if g is None else g


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    (g,) = torch.autograd.grad(z.sum(), leaf)
    return g


class Sigmoid(torch.autograd.Function):
    """Stable logistic function: e^(−|x|) never overflows."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        e = torch.exp(-torch.abs(x))
        s = torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1.0 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)                 # x is contiguous: the flat view is x itself
    grad = torch.empty_like(x)
    gflat = grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            old = flat[i].item()
            flat[i] = old + eps
            fp = float(f(x))
            flat[i] = old - eps
            fm = float(f(x))
            flat[i] = old
            gflat[i] = (fp - fm) / (2 * eps)
    return grad


class Value:
    """Scalar reverse-mode node; backward walks the graph without recursion."""

    __slots__ = ("data", "grad", "_parents", "_locals")

    def __init__(self, data: float, _parents: tuple = (), _locals: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents
        self._locals = _locals

    @staticmethod
    def _lift(v) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other) -> "Value":
        o = Value._lift(other)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other) -> "Value":
        o = Value._lift(other)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __neg__(self) -> "Value":
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, other) -> "Value":
        o = Value._lift(other)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, other) -> "Value":
        return Value._lift(other) - self

    def __truediv__(self, other) -> "Value":
        o = Value._lift(other)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / (o.data * o.data)))

    def __rtruediv__(self, other) -> "Value":
        return Value._lift(other) / self

    def __pow__(self, k: float) -> "Value":
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self) -> "Value":
        pos = self.data > 0
        return Value(self.data if pos else 0.0, (self,), (1.0 if pos else 0.0,))

    def backward(self) -> None:
        order: list[Value] = []
        visited: set[int] = set()
        stack = [(self, iter(self._parents))]
        visited.add(id(self))
        while stack:
            node, it = stack[-1]
            for p in it:
                if id(p) not in visited:
                    visited.add(id(p))
                    stack.append((p, iter(p._parents)))
                    break
            else:
                stack.pop()
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            for p, local in zip(node._parents, node._locals):
                p.grad += local * node.grad

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"
