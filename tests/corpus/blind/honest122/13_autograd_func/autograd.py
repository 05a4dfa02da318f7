"""Autograd via torch.func where it fits, a custom Function with once_differentiable, closures elsewhere."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r2 = 2 * (w1 * x ** 2 + w2 * x + b - y)
    return (r2 * x ** 2).mean(), (r2 * x).mean(), r2.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    # torch.func.vjp with a cotangent of ones is the gradient of f(x).sum()
    out, pullback = torch.func.vjp(f, x.detach())
    (g,) = pullback(torch.ones_like(out))
    return g


def detach_grad(x: Tensor) -> Tensor:
    def z_sum(t: Tensor) -> Tensor:
        u = (t * t).detach()
        return (u * t).sum()
    return torch.func.grad(z_sum)(x.detach())


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        z = torch.exp(-x.abs())                   # in (0, 1]
        num = torch.where(x >= 0, torch.ones_like(z), z)
        out = num / (1 + z)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    diffs = []
    with torch.no_grad():
        for i in range(flat.numel()):
            v = flat[i].item()
            flat[i] = v + eps
            fp = float(f(x))
            flat[i] = v - eps
            fm = float(f(x))
            flat[i] = v
            diffs.append((fp - fm) / (2 * eps))
    return torch.tensor(diffs, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    """Scalar autodiff node; each op stores a closure that pushes its gradient to its inputs."""

    def __init__(self, data, children=(), backward_fn=None):
        self.data = float(data)
        self.grad = 0.0
        self.children = children
        self.backward_fn = backward_fn

    @staticmethod
    def wrap(v):
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other):
        other = Value.wrap(other)
        out = Value(self.data + other.data, (self, other))

        def push():
            self.grad += out.grad
            other.grad += out.grad
        out.backward_fn = push
        return out

    def __mul__(self, other):
        other = Value.wrap(other)
        out = Value(self.data * other.data, (self, other))

        def push():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.backward_fn = push
        return out

    def __truediv__(self, other):
        other = Value.wrap(other)
        out = Value(self.data / other.data, (self, other))

        def push():
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / (other.data * other.data)
        out.backward_fn = push
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def push():
            self.grad += k * self.data ** (k - 1) * out.grad
        out.backward_fn = push
        return out

    def __neg__(self):
        out = Value(-self.data, (self,))

        def push():
            self.grad -= out.grad
        out.backward_fn = push
        return out

    def __sub__(self, other):
        return self + (-Value.wrap(other))

    def __radd__(self, other):
        return Value.wrap(other) + self

    def __rsub__(self, other):
        return Value.wrap(other) - self

    def __rmul__(self, other):
        return Value.wrap(other) * self

    def __rtruediv__(self, other):
        return Value.wrap(other) / self

    def _unary(self, value, slope):
        out = Value(value, (self,))

        def push():
            self.grad += slope * out.grad
        out.backward_fn = push
        return out

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t)

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e)

    def relu(self):
        return self._unary(self.data if self.data > 0 else 0.0, 1.0 if self.data > 0 else 0.0)

    def backward(self):
        order, seen = [], set()
        stack = [self]
        while stack:                       # iterative DFS producing a post-order
            node = stack.pop()
            if isinstance(node, tuple):
                order.append(node[1])
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append(("done", node))
            stack.extend(c for c in node.children if id(c) not in seen)
        self.grad = 1.0
        for node in reversed(order):
            if node.backward_fn is not None:
                node.backward_fn()
