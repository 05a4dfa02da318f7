"""Autograd — reference solution. The specification is the docstrings in exercises/autograd.py."""

from __future__ import annotations

import itertools
import math
from typing import Callable

import torch
from torch import Tensor

def _reverse(root: Tensor, leaves: list) -> list:
    """A small reverse-mode pass over grad_fn nodes, calling each node directly."""
    order, seen, stack = [], set(), [(root.grad_fn, False)]
    while stack:
        node, done = stack.pop()
        if node is None:
            continue
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) not in seen:
                stack.append((nxt, False))
    grads = {id(root.grad_fn): torch.ones_like(root)}
    found = {}
    for node in reversed(order):
        g = grads.get(id(node))
        if g is None:
            continue
        if hasattr(node, "variable"):
            var = node.variable
            found[id(var)] = g.sum_to_size(var.shape)
            continue
        outs = node(g)
        if not isinstance(outs, tuple):
            outs = (outs,)
        for (nxt, _), o in zip(node.next_functions, outs):
            if nxt is None or o is None:
                continue
            grads[id(nxt)] = grads[id(nxt)] + o if id(nxt) in grads else o
    return [found.get(id(leaf)) for leaf in leaves]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Autograd's nodes, called one by one."""
    with torch.enable_grad():
        wl = w.detach().clone().requires_grad_()
        loss = ((wl * x.detach() - y.detach()) ** 2).mean()
        (g,) = _reverse(loss, [wl])
    return g.detach()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Autograd's nodes, called one by one."""
    with torch.enable_grad():
        a1, a2, a3 = (t.detach().clone().requires_grad_() for t in (w1, w2, b))
        xd, yd = x.detach(), y.detach()
        loss = ((a1 * xd**2 + a2 * xd + a3 - yd) ** 2).mean()
        g1, g2, g3 = _reverse(loss, [a1, a2, a3])
    return g1.detach(), g2.detach(), g3.detach()


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
