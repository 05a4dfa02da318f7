# mistake: builds the result with torch.zeros(x.shape): float32 (breaks: same dtype as x (checked in float64))
# cause: numerical_grad numerical_grad_central_differences:dtype
"""Autograd exercises."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1, w2, b, x, y):
    n = x.shape[0]
    y_hat = w1 * x.pow(2) + w2 * x + b
    dL_dyhat = 2 * (y_hat - y) / n
    return (dL_dyhat * x.pow(2)).sum(), (dL_dyhat * x).sum(), dL_dyhat.sum()


def grad_of_vector_fn(f, x):
    leaf = x.detach().requires_grad_()
    (g,) = torch.autograd.grad(f(leaf).sum(), leaf)
    return g


def detach_grad(x: Tensor) -> Tensor:
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return x.grad


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
    grad = torch.zeros(x.shape)
    for i in range(x.numel()):
        idx = tuple(int(c) for c in torch.unravel_index(torch.tensor(i), x.shape))
        up, down = x.clone(), x.clone()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (float(f(up)) - float(f(down))) / (2 * eps)
    return grad


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
        users = {}
        stack, seen = [self], {id(self)}
        while stack:
            node = stack.pop()
            for parent, _ in node.parents:
                users[id(parent)] = users.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for parent, local in node.parents:
                parent.grad += local * node.grad
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)
