"""Autograd — Value with a recursive topological sort (micrograd's build_topo) and a raised recursion limit."""

from __future__ import annotations

import math
import sys
from typing import Callable

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor

sys.setrecursionlimit(10000)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    n = x.shape[0]
    return 2 * torch.sum(x * (w * x - y)) / n


def quadratic_grads(w1, w2, b, x, y):
    r = (w1 * x ** 2 + w2 * x + b) - y
    grads = [torch.mean(2 * r * feature) for feature in (x ** 2, x, torch.ones_like(x))]
    return tuple(grads)


def grad_of_vector_fn(f, x):
    x_ = x.detach().clone().requires_grad_(True)
    f(x_).sum().backward()
    return x_.grad.detach()


def detach_grad(x):
    x_ = x.clone().detach().requires_grad_(True)
    y = x_ * x_
    u = y.detach()
    (u * x_).sum().backward()
    return x_.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        pos = torch.exp(-x.clamp(min=0))       # e^{-x} for x >= 0, 1 otherwise
        neg = torch.exp(x.clamp(max=0))        # e^{x} for x < 0, 1 otherwise
        out = torch.where(x >= 0, 1 / (1 + pos), neg / (1 + neg))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        y, = ctx.saved_tensors
        return grad_output * y * (1 - y)


def numerical_grad(f, x, eps=1e-6):
    grad = torch.zeros_like(x)
    flat_x, flat_g = x.view(-1), grad.view(-1)
    for i in range(flat_x.numel()):
        orig = float(flat_x[i])
        flat_x[i] = orig + eps
        f_plus = f(x)
        f_plus = f_plus.item() if isinstance(f_plus, torch.Tensor) else f_plus
        flat_x[i] = orig - eps
        f_minus = f(x)
        f_minus = f_minus.item() if isinstance(f_minus, torch.Tensor) else f_minus
        flat_x[i] = orig
        flat_g[i] = (f_plus - f_minus) / (2 * eps)
    return grad


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

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

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = math.tanh(x)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0.0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)
        build_topo(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

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
