"""Autograd — reference solution. The specification is the docstrings in exercises/autograd.py."""

from __future__ import annotations

import itertools
import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y))."""
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The chain rule through r = y_hat − y."""
    r = w1 * x**2 + w2 * x + b - y
    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Autograd on a detached copy, so the caller's x is untouched."""
    copy = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(copy).sum(), copy)
    return grad


def detach_grad(x: Tensor) -> Tensor:
    """z = u·x with u = (x·x).detach(): dz/dx = u."""
    copy = x.detach().clone().requires_grad_(True)
    u = (copy * copy).detach()
    (u * copy).sum().backward()
    return copy.grad


class Sigmoid(torch.autograd.Function):
    """Forward from logaddexp's backward node, backward from the saved output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        with torch.enable_grad():
            xr = x.detach().requires_grad_()
            z = torch.logaddexp(xr, torch.zeros_like(xr))
            s = z.grad_fn(torch.ones_like(z))[0]
        s = s.detach()
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Perturb one element at a time, both ways, and restore it."""
    grad = torch.zeros_like(x)
    with torch.no_grad():
        for i in itertools.product(*(range(n) for n in x.shape)):  # x may be a non-contiguous view
            original = x[i].item()
            x[i] = original + eps
            plus = float(f(x))
            x[i] = original - eps
            minus = float(f(x))
            x[i] = original
            grad[i] = (plus - minus) / (2 * eps)
    return grad


class Value:
    """A scalar autodiff node (micrograd style)."""

    def __init__(self, data: float, parents: tuple[Value, ...] = (), local_grads: tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents = parents
        self._local_grads = local_grads

    @staticmethod
    def _wrap(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> Value:
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._wrap(other))

    def __truediv__(self, other: Value | float) -> Value:
        return self * self._wrap(other) ** -1

    def __radd__(self, other: float) -> Value:
        return self + other

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __rsub__(self, other: float) -> Value:
        return self._wrap(other) - self

    def __rtruediv__(self, other: float) -> Value:
        return self._wrap(other) / self

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self) -> Value:
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        """Reverse topological order, found without recursion."""
        order: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((parent, False) for parent in node._parents)
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._local_grads):
                parent.grad += local * node.grad

    def __repr__(self) -> str:
        return f"Value(data={self.data:g}, grad={self.grad:g})"
