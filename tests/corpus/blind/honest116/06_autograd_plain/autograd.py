"""Autograd — lecture 3/4 gradients by hand, autograd, a custom Function and a tiny engine."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y
    return (2 * x * residual).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    y_hat = w1 * x ** 2 + w2 * x + b
    r = y_hat - y
    return (2 * r * x ** 2).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    xc = x.detach().clone().requires_grad_(True)
    y = f(xc)
    y.sum().backward()
    return xc.grad


def detach_grad(x: Tensor) -> Tensor:
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return x.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        e = torch.exp(-torch.abs(x))
        out = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.zeros_like(x)
    flat = x.view(-1)
    g = grad.view(-1)
    for i in range(flat.numel()):
        old = flat[i].item()
        flat[i] = old + eps
        fp = float(f(x))
        flat[i] = old - eps
        fm = float(f(x))
        flat[i] = old
        g[i] = (fp - fm) / (2 * eps)
    return grad


class Value:
    def __init__(self, data: float, _children: tuple = (), _op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        assert isinstance(k, (int, float))
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

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
        # iterative post-order DFS so that deep graphs do not hit the recursion limit
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                topo.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
