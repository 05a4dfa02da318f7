# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Autograd — OOP style: Value with closures (micrograd), helpers as staticmethods."""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


class _Hand:
    """Hand-derived gradients gathered in one namespace."""

    @staticmethod
    def dmse_dyhat(y_hat: Tensor, y: Tensor) -> Tensor:
        return 2.0 * (y_hat - y) / y.numel()

    @staticmethod
    def dot_mean(a: Tensor, b: Tensor) -> Tensor:
        return (a * b).sum()


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return _Hand.dot_mean(_Hand.dmse_dyhat(w * x, y), x)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    g = _Hand.dmse_dyhat(w1 * x.pow(2) + w2 * x + b, y)        # dL/dy_hat per sample
    return _Hand.dot_mean(g, x.pow(2)), _Hand.dot_mean(g, x), g.sum()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_()
    out = f(leaf)
    (g,) = torch.autograd.grad(out, leaf, grad_outputs=torch.ones_like(out))   # same as out.sum()
    return g


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_()
    u = (leaf * leaf).detach()
    return torch.autograd.grad((u * leaf).sum(), leaf)[0]


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        pos = x >= 0
        z = torch.exp(torch.where(pos, -x, x))          # exp of a non-positive number only
        s = torch.where(pos, 1 / (1 + z), z / (1 + z))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        s, = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    out = torch.empty_like(x)
    xs, gs = x.view(-1), out.view(-1)
    for i in range(xs.numel()):
        keep = xs[i].clone()
        xs[i] += eps
        hi = float(f(x))
        xs[i] = keep - eps
        lo = float(f(x))
        xs[i] = keep
        gs[i] = (hi - lo) / (2 * eps)
    return out


class Value:
    __slots__ = ("data", "grad", "_parents", "_backward")

    def __init__(self, data: float) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents: tuple = ()
        self._backward = lambda: None

    @staticmethod
    def lift(v) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def _node(self, data: float, parents: tuple, backward_fn) -> "Value":
        out = Value(data)
        out._parents = parents
        out._backward = lambda: backward_fn(out)
        return out

    def __add__(self, other):
        other = Value.lift(other)

        def bw(out):
            self.grad += out.grad
            other.grad += out.grad
        return self._node(self.data + other.data, (self, other), bw)

    def __mul__(self, other):
        other = Value.lift(other)

        def bw(out):
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        return self._node(self.data * other.data, (self, other), bw)

    def __pow__(self, k):
        def bw(out):
            self.grad += k * self.data ** (k - 1) * out.grad
        return self._node(self.data ** k, (self,), bw)

    def tanh(self):
        t = math.tanh(self.data)

        def bw(out):
            self.grad += (1 - t ** 2) * out.grad
        return self._node(t, (self,), bw)

    def exp(self):
        e = math.exp(self.data)

        def bw(out):
            self.grad += e * out.grad
        return self._node(e, (self,), bw)

    def relu(self):
        def bw(out):
            self.grad += (self.data > 0) * out.grad
        return self._node(max(0.0, self.data), (self,), bw)

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value.lift(other))

    def __truediv__(self, other):
        return self * Value.lift(other) ** -1

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, other):
        return Value.lift(other) + (-self)

    def __rtruediv__(self, other):
        return Value.lift(other) * self ** -1

    def backward(self) -> None:
        # iterative post-order DFS -> topological order, then walk it backwards
        topo, visited = [], set()
        todo = [(self, iter(self._parents))]
        visited.add(id(self))
        while todo:
            node, it = todo[-1]
            nxt = next(it, None)
            if nxt is None:
                todo.pop()
                topo.append(node)
            elif id(nxt) not in visited:
                visited.add(id(nxt))
                todo.append((nxt, iter(nxt._parents)))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
