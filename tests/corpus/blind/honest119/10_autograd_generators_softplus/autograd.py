"""Autograd — generators, itertools, and a log-space sigmoid."""

from __future__ import annotations

import itertools
import math
from typing import Callable, Iterator

import torch
from torch import Tensor


def _softplus(z: Tensor) -> Tensor:
    """log(1 + e^z) without overflow."""
    return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return torch.mean(torch.mul(2 * x, w * x - y))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = w1 * x.pow(2) + w2 * x + b - y
    return tuple((2 * r * x.pow(k)).mean() for k in (2, 1, 0))  # type: ignore[return-value]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    probe = x.clone().detach().requires_grad_(True)
    total = f(probe).sum()
    return torch.autograd.grad(total, probe)[0]


def detach_grad(x: Tensor) -> Tensor:
    probe = x.clone().detach().requires_grad_(True)
    u = probe.mul(probe).detach()
    return torch.autograd.grad(u.mul(probe).sum(), probe)[0]


class Sigmoid(torch.autograd.Function):
    """σ(x) = exp(−softplus(−x)): log-space, so no exp ever overflows."""

    @staticmethod
    def forward(ctx, x):
        out = torch.exp(-_softplus(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def _indices(shape: torch.Size) -> Iterator[tuple[int, ...]]:
    yield from itertools.product(*map(range, shape))


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.zeros_like(x)
    with torch.no_grad():
        for idx in _indices(x.shape):
            centre = x[idx].item()
            values = []
            for step in (eps, -eps):
                x[idx] = centre + step
                values.append(float(f(x)))
            x[idx] = centre
            grad[idx] = (values[0] - values[1]) / (2 * eps)
    return grad


class Value:
    __slots__ = ("data", "grad", "_inputs", "_local")

    def __init__(self, data: float, _inputs: tuple = (), _local: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._inputs = _inputs
        self._local = _local

    def _unary(self, data: float, local: float) -> Value:
        return Value(data, (self,), (local,))

    def _binary(self, other, data_fn, local_fn) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(data_fn(self.data, other.data), (self, other), local_fn(self.data, other.data))

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, lambda a, b: (1.0, 1.0))

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, lambda a, b: (b, a))

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b, lambda a, b: (1.0, -1.0))

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b, lambda a, b: (1 / b, -a / (b * b)))

    def __radd__(self, other):
        return Value(other) + self

    def __rmul__(self, other):
        return Value(other) * self

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def __neg__(self):
        return self._unary(-self.data, -1.0)

    def __pow__(self, k):
        return self._unary(self.data ** k, k * self.data ** (k - 1))

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1 - t ** 2)

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e)

    def relu(self):
        return self._unary(max(self.data, 0.0), 1.0 if self.data > 0 else 0.0)

    def _post_order(self) -> Iterator[Value]:
        seen: set[int] = set()
        stack = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                yield node
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._inputs if id(parent) not in seen)

    def backward(self) -> None:
        order = list(self._post_order())
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node._inputs, node._local):
                parent.grad += local * node.grad
