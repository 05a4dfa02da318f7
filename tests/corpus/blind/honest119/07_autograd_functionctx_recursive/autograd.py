"""Autograd — typed with FunctionCtx; Value walks the graph recursively (limit raised)."""

from __future__ import annotations

import math
import sys
from typing import Callable, Iterable

import torch
from torch import Tensor
from torch.autograd.function import FunctionCtx

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r: Tensor = torch.sub(torch.mul(w, x), y)
    return (2.0 * x * r).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2: Tensor = x.square()
    r: Tensor = w1 * x2 + w2 * x + b - y
    two_r: Tensor = 2 * r
    return (two_r * x2).mean(), (two_r * x).mean(), two_r.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf: Tensor = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(leaf).sum(), (leaf,))
    return g


def detach_grad(x: Tensor) -> Tensor:
    leaf: Tensor = x.detach().clone().requires_grad_(True)
    u: Tensor = (leaf * leaf).detach()
    (g,) = torch.autograd.grad((u * leaf).sum(), leaf)
    return g


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: FunctionCtx, x: Tensor) -> Tensor:
        neg = x < 0
        z = torch.exp(torch.where(neg, x, -x))          # always exp of a non-positive number
        out = torch.where(neg, z / (1 + z), 1 / (1 + z))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Tensor) -> Tensor:
        out, = ctx.saved_tensors  # type: ignore[attr-defined]
        return grad_output * out * (1.0 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    out = torch.empty_like(x)
    flat_x, flat_out = x.view(-1), out.view(-1)
    with torch.no_grad():
        for i in range(flat_x.numel()):
            keep = flat_x[i].clone()
            flat_x[i] = keep + eps
            hi = float(f(x))
            flat_x[i] = keep - eps
            lo = float(f(x))
            flat_x[i] = keep
            flat_out[i] = (hi - lo) / (2 * eps)
    return out


class Value:
    """micrograd-style scalar; each node keeps a closure for its local backward step."""

    def __init__(self, data: float, _prev: Iterable[Value] = (), _op: str = "") -> None:
        self.data: float = float(data)
        self.grad: float = 0.0
        self._prev: tuple[Value, ...] = tuple(_prev)
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward() -> None:
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward() -> None:
            self.grad += (1.0 if out.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        return self * -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __sub__(self, other: Value | float) -> Value:
        return self + (-other)

    def __rsub__(self, other: float) -> Value:
        return other + (-self)

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __truediv__(self, other: Value | float) -> Value:
        return self * other ** -1

    def __rtruediv__(self, other: float) -> Value:
        return other * self ** -1

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()

        def build(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
