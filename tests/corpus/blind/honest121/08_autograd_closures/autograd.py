"""Autograd — plain functions; Value keeps a backward closure per node (micrograd style)."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y
    return torch.mean(2 * x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x * x
    r2 = 2 * (w1 * x2 + w2 * x + b - y)
    return torch.mean(r2 * x2), torch.mean(r2 * x), torch.mean(r2)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone()
    leaf.requires_grad_(True)
    out = f(leaf)
    out.sum().backward()
    if leaf.grad is None:  # f did not depend on x
        return torch.zeros_like(leaf)
    return leaf.grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_()
    y = leaf * leaf
    u = y.detach()
    z = u * leaf
    z.sum().backward()
    return leaf.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        z = torch.exp(-torch.abs(x))          # never overflows
        out = torch.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1.0 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    grad = torch.empty_like(flat)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.view_as(x)


class Value:
    def __init__(self, data: float, _children: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._backward: Callable[[], None] = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,))

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1

    def backward(self) -> None:
        # iterative post-order DFS (no recursion: graphs may be deep)
        topo, visited = [], set()
        stack = [(self, iter(self._prev))]
        visited.add(id(self))
        while stack:
            node, children = stack[-1]
            for child in children:
                if id(child) not in visited:
                    visited.add(id(child))
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                topo.append(node)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"
