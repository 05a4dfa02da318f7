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
    """Scalar autodiff: every op records (parent, local derivative) pairs.

    Each Value gets a serial number when it is created. A node's inputs always exist before it,
    so sorting the reachable nodes by decreasing serial number is a reverse topological order.
    """

    _serial = itertools.count()

    def __init__(self, data: float) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.inputs: list = []
        self.serial = next(Value._serial)

    def _child(self, data: float, *pairs) -> "Value":
        out = Value(data)
        out.inputs = [(p if isinstance(p, Value) else Value(p), d) for p, d in pairs]
        return out

    def __add__(self, other):
        o = other.data if isinstance(other, Value) else float(other)
        return self._child(self.data + o, (self, 1.0), (other, 1.0))

    def __mul__(self, other):
        o = other.data if isinstance(other, Value) else float(other)
        return self._child(self.data * o, (self, o), (other, self.data))

    def __truediv__(self, other):
        o = other.data if isinstance(other, Value) else float(other)
        return self._child(self.data / o, (self, 1 / o), (other, -self.data / (o * o)))

    def __sub__(self, other):
        o = other.data if isinstance(other, Value) else float(other)
        return self._child(self.data - o, (self, 1.0), (other, -1.0))

    def __rsub__(self, other):
        return self._child(float(other) - self.data, (self, -1.0))

    def __rtruediv__(self, other):
        return self._child(float(other) / self.data, (self, -float(other) / self.data ** 2))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self._child(-self.data, (self, -1.0))

    def __pow__(self, k):
        return self._child(self.data ** k, (self, k * self.data ** (k - 1)))

    def tanh(self):
        t = math.tanh(self.data)
        return self._child(t, (self, 1 - t * t))

    def exp(self):
        e = math.exp(self.data)
        return self._child(e, (self, e))

    def relu(self):
        return self._child(max(self.data, 0.0), (self, float(self.data > 0)))

    def backward(self) -> None:
        reachable = {id(self): self}
        stack = [self]
        while stack:                                   # every node the output depends on, once
            node = stack.pop()
            for parent, _ in node.inputs:
                if id(parent) not in reachable:
                    reachable[id(parent)] = parent
                    stack.append(parent)
        self.grad = 1.0
        for node in sorted(reachable.values(), key=lambda v: v.serial, reverse=True):
            for parent, d in node.inputs:
                parent.grad += d * node.grad
