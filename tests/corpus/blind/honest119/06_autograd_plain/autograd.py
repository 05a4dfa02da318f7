"""Autograd answers."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y
    return torch.mean(2 * x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = (w1 * x * x + w2 * x + b) - y
    return torch.mean(2 * r * x * x), torch.mean(2 * r * x), torch.mean(2 * r)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    xc = x.detach().clone()
    xc.requires_grad_(True)
    y = f(xc)
    y.sum().backward()
    return xc.grad


def detach_grad(x: Tensor) -> Tensor:
    xc = x.detach().clone().requires_grad_()
    y = xc * xc
    u = y.detach()
    z = u * xc
    z.sum().backward()
    return xc.grad


class Sigmoid(torch.autograd.Function):
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
    flat = x.view(-1)
    grad = torch.zeros_like(flat)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        fp = float(f(x))
        flat[i] = old - eps
        fm = float(f(x))
        flat[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad.view_as(x)


class Value:
    def __init__(self, data: float, _children: tuple = (), _grads: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._children = _children
        self._grads = _grads

    @staticmethod
    def _v(o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, other):
        other = Value._v(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other):
        other = Value._v(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, other):
        return self + (-Value._v(other))

    def __rsub__(self, other):
        return Value._v(other) + (-self)

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, other):
        return self * Value._v(other) ** -1

    def __rtruediv__(self, other):
        return Value._v(other) * self ** -1

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self):
        # iterative post-order DFS (no recursion: graphs may be deep)
        topo, visited = [], set()
        stack = [(self, iter(self._children))]
        visited.add(id(self))
        while stack:
            node, it = stack[-1]
            child = next(it, None)
            if child is None:
                topo.append(node)
                stack.pop()
            elif id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(child._children)))
        self.grad = 1.0
        for node in reversed(topo):
            for child, local in zip(node._children, node._grads):
                child.grad += local * node.grad

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
