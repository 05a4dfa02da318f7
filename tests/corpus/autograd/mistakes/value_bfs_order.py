# mistake: backward visits nodes breadth-first, not in topological order (breaks: reverse topological order (each node after every node that uses it))
# cause: Value value_matches_torch_on_random_graphs:values
"""Autograd exercises."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y))."""
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1, w2, b, x, y):
    n = x.shape[0]
    y_hat = w1 * x.pow(2) + w2 * x + b
    dL_dyhat = 2 * (y_hat - y) / n
    return (dL_dyhat * x.pow(2)).sum(), (dL_dyhat * x).sum(), dL_dyhat.sum()


def grad_of_vector_fn(f, x):
    t = x.detach().clone()
    t.requires_grad = True
    y = f(t)
    y.backward(torch.ones_like(y))
    return t.grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.clone().detach()
    leaf.requires_grad = True
    u = leaf.pow(2)
    u = u.detach()
    (leaf * u).sum().backward()
    return leaf.grad.detach()


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.empty_like(x)
        pos = x >= 0
        out[pos] = 1.0 / (1.0 + torch.exp(-x[pos]))
        ex = torch.exp(x[~pos])
        out[~pos] = ex / (1.0 + ex)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * (1.0 - y)


def numerical_grad(f, x, eps=1e-6):
    values = []
    for i in range(x.numel()):
        e = torch.zeros(x.numel(), dtype=x.dtype, device=x.device)
        e[i] = eps
        e = e.reshape(x.shape)
        values.append((float(f(x + e)) - float(f(x - e))) / (2 * eps))
    return torch.tensor(values, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    """Each node stores (parent, local derivative) pairs; backward runs Kahn's algorithm."""

    def __init__(self, data: float, parents: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents  # ((Value, d self / d parent), ...)

    def _lift(self, other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._lift(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __radd__(self, other):
        return self._lift(other) + self

    def __sub__(self, other):
        other = self._lift(other)
        return Value(self.data - other.data, ((self, 1.0), (other, -1.0)))

    def __rsub__(self, other):
        return self._lift(other) - self

    def __mul__(self, other):
        other = self._lift(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

    def __rmul__(self, other):
        return self._lift(other) * self

    def __truediv__(self, other):
        other = self._lift(other)
        return Value(self.data / other.data, ((self, 1.0 / other.data), (other, -self.data / other.data**2)))

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __neg__(self):
        return Value(-self.data, ((self, -1.0),))

    def __pow__(self, k):
        return Value(self.data**k, ((self, k * self.data ** (k - 1)),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, ((self, 1.0 - t * t),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, ((self, e),))

    def relu(self):
        return Value(max(self.data, 0.0), ((self, float(self.data > 0)),))

    def backward(self) -> None:
        self.grad = 1.0
        queue, seen = [self], {id(self)}
        while queue:
            node = queue.pop(0)
            for parent, local in node.parents:
                parent.grad += local * node.grad
                if id(parent) not in seen:
                    seen.add(id(parent))
                    queue.append(parent)
