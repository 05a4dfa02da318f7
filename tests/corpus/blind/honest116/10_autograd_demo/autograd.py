# 自动求导 / 反向传播 — my homework, with the lecture 4 training loop as a demo at the end.
from __future__ import annotations

import math
import sys
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # loss = mean((w*x - y)^2) -> d/dw = mean(2*x*(w*x - y))
    err = w * x - y
    return torch.sum(2 * x * err) / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    n = x.shape[0]
    r = w1 * x ** 2 + w2 * x + b - y
    dw1 = (2 * r * x ** 2).sum() / n
    dw2 = (2 * r * x).sum() / n
    db = (2 * r).sum() / n
    return dw1, dw2, db


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    x = x.detach().clone()
    x.requires_grad_()
    y = f(x)
    if y.dim() > 0:
        y = y.sum()           # 通常把y转换成一个标量再来求导
    y.backward()
    return x.grad


def detach_grad(x: Tensor) -> Tensor:
    x = x.detach().clone().requires_grad_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    assert torch.equal(x.grad, u)
    return x.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.empty_like(x)
        pos = x >= 0
        neg = ~pos
        out[pos] = 1 / (1 + torch.exp(-x[pos]))
        ex = torch.exp(x[neg])
        out[neg] = ex / (1 + ex)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        out, = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    g = torch.zeros_like(x)
    xv = x.view(-1)
    gv = g.view(-1)
    for i in range(len(xv)):
        tmp = xv[i].item()
        xv[i] = tmp + eps
        f1 = f(x)
        f1 = float(f1)
        xv[i] = tmp - eps
        f2 = float(f(x))
        xv[i] = tmp
        gv[i] = (f1 - f2) / (2 * eps)
    return g


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = list(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
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
        assert isinstance(other, (int, float)), "only int/float powers"
        out = Value(self.data ** other, (self,), f"**{other}")

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        return self * other ** -1 if isinstance(other, Value) else self * (1.0 / other)

    def __rtruediv__(self, other):
        return Value(other) * self ** -1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return Value(other) + (-self)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        if abs(x) > 20:
            t = math.copysign(1.0, x) * (1 - 2 * math.exp(-2 * abs(x)) / (1 + math.exp(-2 * abs(x))))
        else:
            t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
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
        limit = sys.getrecursionlimit()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        sys.setrecursionlimit(max(limit, 10000))
        try:
            build_topo(self)
        finally:
            sys.setrecursionlimit(limit)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"


if __name__ == "__main__":
    x_data = torch.tensor([1.0, 2.0, 3.0])
    y_data = torch.tensor([2.0, 4.0, 6.0])
    w = torch.tensor(1.0)
    for epoch in range(20):
        w = w - 0.01 * linear_grad(w, x_data, y_data)
    print("w after 20 epochs:", w.item())
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + 10).tanh()
    c.backward()
    print(c, a.grad, b.grad)
