# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Autograd — functional style; the custom sigmoid goes through exp(−softplus(−x))."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = torch.sub(torch.mul(w, x), y)
    return torch.mean(torch.mul(torch.mul(x, residual), 2))


def quadratic_grads(w1, w2, b, x, y):
    r2 = 2 * (torch.addcmul(w2 * x + b, w1, x * x) - y)       # 2·(w1·x² + w2·x + b − y)
    return tuple(torch.mean(r2 * feat) for feat in (x * x, x, torch.ones_like(x)))


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        leaf = x.detach().clone().requires_grad_(True)
        total = f(leaf).sum()
        return torch.autograd.grad(total, [leaf])[0]


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        x_ = x.detach().clone().requires_grad_(True)
        y = x_.mul(x_)
        z = y.detach().mul(x_)
        z.backward(torch.ones_like(z))
    return x_.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        # log σ(x) = −softplus(−x), so σ(x) = exp(−softplus(−x)): never overflows
        out = torch.exp(-F.softplus(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        out, = ctx.saved_tensors
        return grad_output * out * (1.0 - out)


def numerical_grad(f, x, eps=1e-6):
    flat = x.view(-1)

    def partial(i: int) -> float:
        orig = float(flat[i])
        flat[i] = orig + eps
        up = float(f(x))
        flat[i] = orig - eps
        down = float(f(x))
        flat[i] = orig
        return (up - down) / (2 * eps)

    with torch.no_grad():
        values = [partial(i) for i in range(flat.numel())]
    return torch.tensor(values, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    def __init__(self, data: float) -> None:
        self.data, self.grad = float(data), 0.0
        self.edges: list[tuple[Value, float]] = []

    @classmethod
    def _make(cls, data, *edges):
        v = cls(data)
        v.edges = list(edges)
        return v

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value._make(self.data + o.data, (self, 1.0), (o, 1.0))

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value._make(self.data * o.data, (self, o.data), (o, self.data))

    def __truediv__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        q = self.data / o.data
        return Value._make(q, (self, 1.0 / o.data), (o, -q / o.data))

    def __sub__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value._make(self.data - o.data, (self, 1.0), (o, -1.0))

    def __radd__(self, o):
        return self + o

    def __rmul__(self, o):
        return self * o

    def __rsub__(self, o):
        return Value(o) - self

    def __rtruediv__(self, o):
        return Value(o) / self

    def __neg__(self):
        return Value._make(-self.data, (self, -1.0))

    def __pow__(self, k):
        return Value._make(self.data ** k, (self, k * self.data ** (k - 1)))

    def tanh(self):
        t = math.tanh(self.data)
        return Value._make(t, (self, 1 - t * t))

    def exp(self):
        e = math.exp(self.data)
        return Value._make(e, (self, e))

    def relu(self):
        return Value._make(max(self.data, 0.0), (self, 1.0 if self.data > 0 else 0.0))

    def backward(self) -> None:
        # gather nodes, count consumers, then release a node when all its consumers are done.
        pending = defaultdict(int)
        seen = {id(self)}
        frontier = [self]
        while frontier:
            node = frontier.pop()
            for parent, _ in node.edges:
                pending[id(parent)] += 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    frontier.append(parent)
        self.grad = 1.0
        queue = [self]
        while queue:
            node = queue.pop()
            for parent, d in node.edges:
                parent.grad += d * node.grad
                pending[id(parent)] -= 1
                if not pending[id(parent)]:
                    queue.append(parent)
