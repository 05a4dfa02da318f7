# mistake: returns x·x from the formula, without autograd (breaks: computed with autograd)
# cause: detach_grad computed_with_autograd:failed
"""Autograd exercises."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w, x, y):
    residual = w * x - y
    return 2.0 * torch.sum(x * residual) / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    feats = torch.stack([x * x, x, torch.ones_like(x)])          # (3, n)
    y_hat = w1 * feats[0] + w2 * feats[1] + b * feats[2]
    g = (2.0 / x.numel()) * (feats * (y_hat - y)).sum(dim=1)   # (3,)
    return g[0], g[1], g[2]


def grad_of_vector_fn(f, x):
    leaf = x.detach().requires_grad_()
    (g,) = torch.autograd.grad(f(leaf).sum(), leaf)
    return g


def detach_grad(x):
    return x * x


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
    out = torch.empty_like(x)
    for i in range(x.numel()):
        idx = tuple(int(c) for c in torch.unravel_index(torch.tensor(i), x.shape))
        up, down = x.clone(), x.clone()
        up[idx] += eps
        down[idx] -= eps
        out[idx] = (float(f(up)) - float(f(down))) / (2 * eps)
    return out


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
