"""Autograd. 自动求导练习 (闭包版 Value)."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # 先算残差 w·x − y, 避免展开式的抵消误差
    r = torch.addcmul(-y, w.expand_as(x), x)
    return (2 * x * r).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    y_hat = w1 * x ** 2 + w2 * x + b
    dL_dyhat = 2 * (y_hat - y) / x.numel()
    return (dL_dyhat * x ** 2).sum(), (dL_dyhat * x).sum(), dL_dyhat.sum()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        t = x.detach().clone().requires_grad_(True)
        out = f(t)
        out.backward(torch.ones_like(out))   # same as out.sum().backward()
    return t.grad.detach()


def detach_grad(x: Tensor) -> Tensor:
    t = x.detach().requires_grad_(True)    # a new leaf sharing x's data; x itself untouched
    y = t * t
    u = y.detach()
    z = u * t
    z.sum().backward()
    return t.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ex = torch.exp(-x.abs())
        num = torch.where(x >= 0, torch.ones_like(x), ex)
        out = num / (1 + ex)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        s, = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grads = []
    flat = x.view(-1)
    for i in range(flat.numel()):
        saved = flat[i].item()
        flat[i] += eps
        plus = f(x)
        plus = plus.item() if isinstance(plus, torch.Tensor) else float(plus)
        flat[i] = saved - eps
        minus = f(x)
        minus = minus.item() if isinstance(minus, torch.Tensor) else float(minus)
        flat[i] = saved
        grads.append((plus - minus) / (2 * eps))
    return torch.tensor(grads, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    def __init__(self, data: float, children=(), backward_fn=None) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.children = children
        self.backward_fn = backward_fn

    def _wrap(self, other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other))

        def fn():
            self.grad += out.grad
            other.grad += out.grad
        out.backward_fn = fn
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other))

        def fn():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.backward_fn = fn
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def fn():
            self.grad += k * (self.data ** (k - 1)) * out.grad
        out.backward_fn = fn
        return out

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._wrap(other))

    def __rsub__(self, other):
        return self._wrap(other) + (-self)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * (self._wrap(other) ** -1)

    def __rtruediv__(self, other):
        return self._wrap(other) * (self ** -1)

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def fn():
            self.grad += (1 - t * t) * out.grad
        out.backward_fn = fn
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def fn():
            self.grad += out.data * out.grad
        out.backward_fn = fn
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def fn():
            self.grad += (self.data > 0) * out.grad
        out.backward_fn = fn
        return out

    def backward(self):
        order, state = [], {}
        stack = [self]
        while stack:                       # 非递归拓扑排序
            node = stack[-1]
            mark = state.get(id(node))
            if mark is None:
                state[id(node)] = 1
                stack.extend(c for c in node.children if id(c) not in state)
            else:
                stack.pop()
                if mark == 1:
                    state[id(node)] = 2
                    order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            if node.backward_fn is not None:
                node.backward_fn()
