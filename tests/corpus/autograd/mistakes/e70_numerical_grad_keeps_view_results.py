# mistake: numerical_grad keeps f(x + εeᵢ) as a tensor and perturbs x again before reading it, so a result that is a view of x has changed (breaks: "f's 0-dim tensor may be a view of x"); written blind as a correct module (torch.mean forms of the hand gradients; grad_of_vector_fn via backward(ones_like) on a detached leaf copy; detach_grad via torch.autograd.grad; Sigmoid forward from clamped halves; numerical_grad over a flat view of the contiguous x)
# cause: numerical_grad input_domain:values
"""Autograd — reference solution. The specification is the docstrings in exercises/autograd.py."""

from __future__ import annotations

import itertools
import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y))."""
    residual = w * x - y
    return 2 * torch.mean(x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The chain rule through r = y_hat − y."""
    r2 = 2 * (w1 * x * x + w2 * x + b - y)
    return torch.mean(r2 * x * x), torch.mean(r2 * x), torch.mean(r2)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Autograd on a detached copy, so the caller's x is untouched."""
    leaf = torch.empty_like(x, requires_grad=False).copy_(x.detach()).requires_grad_()
    out = f(leaf)
    out.backward(torch.ones_like(out))
    return leaf.grad


def detach_grad(x: Tensor) -> Tensor:
    """z = u·x with u = (x·x).detach(): dz/dx = u."""
    leaf = x.detach().clone()
    leaf.requires_grad = True
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    return torch.autograd.grad(z.sum(), leaf)[0]


class Sigmoid(torch.autograd.Function):
    """Stable forward, backward from the saved output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        pos = 1 / (1 + torch.exp(-x.clamp(min=0)))
        e_neg = torch.exp(x.clamp(max=0))
        out = torch.where(x >= 0, pos, e_neg / (1 + e_neg))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Perturb one element at a time, both ways, and restore it."""
    flat = x.view(-1)
    out = []
    with torch.no_grad():
        for i in range(flat.numel()):
            keep = flat[i].clone()
            flat[i] = keep + eps
            fp = f(x)
            flat[i] = keep - eps
            fm = f(x)
            flat[i] = keep
            out.append((float(fp) - float(fm)) / (2 * eps))
    return torch.tensor(out, dtype=x.dtype, device=x.device).reshape(x.shape)


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
