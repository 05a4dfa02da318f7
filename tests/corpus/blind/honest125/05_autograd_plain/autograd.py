"""Autograd — plain version: hand-derived gradients, autograd on copies, a micrograd-style Value."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y)), residual first."""
    residual = w * x - y
    return torch.mean(2 * x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Chain rule through r = w1·x² + w2·x + b − y."""
    x2 = x * x
    r = w1 * x2 + w2 * x + b - y
    two_r = 2 * r
    return (two_r * x2).mean(), (two_r * x).mean(), two_r.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Reduce f's output with sum, backward on a detached copy."""
    leaf = x.detach().clone()
    leaf.requires_grad_(True)
    with torch.enable_grad():
        out = f(leaf).sum()
        out.backward()
    return leaf.grad


def detach_grad(x: Tensor) -> Tensor:
    """z = u·x with u = (x·x).detach(): the gradient is u."""
    leaf = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = leaf * leaf
        u = y.detach()
        z = u * leaf
        (g,) = torch.autograd.grad(z.sum(), leaf)
    return g


class Sigmoid(torch.autograd.Function):
    """σ from exp(−|x|) so no exponential overflows; backward from the saved output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-torch.abs(x))
        out = torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Central differences on the flat view of the contiguous x, restoring each element."""
    grad = torch.zeros_like(x)
    flat = x.view(-1)
    gflat = grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            keep = flat[i].item()
            flat[i] = keep + eps
            f_plus = float(f(x))
            flat[i] = keep - eps
            f_minus = float(f(x))
            flat[i] = keep
            gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


class Value:
    """A scalar node for reverse-mode autodiff."""

    def __init__(self, data: float, _parents: tuple = (), _locals: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents = _parents
        self._locals = _locals

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    @staticmethod
    def _lift(v: "Value | float") -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other):
        other = Value._lift(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = Value._lift(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, other):
        other = Value._lift(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0))

    def __rsub__(self, other):
        return Value._lift(other) - self

    def __truediv__(self, other):
        other = Value._lift(other)
        q = self.data / other.data
        return Value(q, (self, other), (1.0 / other.data, -q / other.data))

    def __rtruediv__(self, other):
        return Value._lift(other) / self

    def __pow__(self, k: float):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        """Iterative post-order DFS (no recursion), then reverse it."""
        order, seen = [], set()
        stack = [(self, iter(self._parents))]
        seen.add(id(self))
        while stack:
            node, it = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                order.append(node)
            elif id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(child._parents)))
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._parents, node._locals):
                parent.grad += local * node.grad
