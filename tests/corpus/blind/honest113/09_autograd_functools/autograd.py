"""Autograd with functools/operator: Value ops generated from one table of local derivatives."""
from __future__ import annotations

import functools
import math
import operator
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    n = x.shape[0]
    return 2.0 / n * torch.sum(x * (w * x - y))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    features = (x ** 2, x, torch.ones_like(x))
    r = w1 * features[0] + w2 * features[1] + b - y
    return tuple(torch.mean(2 * r * phi) for phi in features)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        x2 = x.detach().clone().requires_grad_()
        y = f(x2)
        y.backward(torch.ones_like(y))  # same as y.sum().backward()
    return x2.grad


def detach_grad(x: Tensor) -> Tensor:
    x2 = x.clone().detach().requires_grad_(True)
    y = x2 * x2
    u = y.detach()
    z = u * x2
    z.sum().backward()
    return x2.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # sigma(x) = exp(min(x,0)) / (1 + exp(-|x|)), no overflow either side
        out = torch.exp(torch.minimum(x, torch.zeros_like(x))) / (1 + torch.exp(-torch.abs(x)))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f, x, eps=1e-6):
    flat = x.view(-1)

    def probe(i: int, delta: float) -> float:
        old = flat[i].item()
        flat[i] = old + delta
        try:
            return float(f(x))
        finally:
            flat[i] = old

    diffs = [(probe(i, eps) - probe(i, -eps)) / (2 * eps) for i in range(flat.numel())]
    return torch.tensor(diffs, dtype=x.dtype, device=x.device).view(x.shape)


def _binary(fn, dfa, dfb):
    @functools.wraps(fn)
    def op(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(fn(self.data, other.data), (self, other),
                     (dfa(self.data, other.data), dfb(self.data, other.data)))
    return op


def _reflected(name):
    def op(self, other):
        return getattr(Value(other), name)(self)
    return op


class Value:
    def __init__(self, data, prev=(), local=()):
        self.data = float(data)
        self.grad = 0.0
        self.prev = prev
        self.local = local

    __add__ = _binary(operator.add, lambda a, b: 1.0, lambda a, b: 1.0)
    __sub__ = _binary(operator.sub, lambda a, b: 1.0, lambda a, b: -1.0)
    __mul__ = _binary(operator.mul, lambda a, b: b, lambda a, b: a)
    __truediv__ = _binary(operator.truediv, lambda a, b: 1.0 / b, lambda a, b: -a / (b * b))
    __radd__ = _reflected("__add__")
    __rsub__ = _reflected("__sub__")
    __rmul__ = _reflected("__mul__")
    __rtruediv__ = _reflected("__truediv__")

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t ** 2,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self):
        post = []
        done = set()
        stack = [self]
        entered = set()
        while stack:
            v = stack[-1]
            if id(v) in done:
                stack.pop()
                continue
            if id(v) in entered:
                stack.pop()
                done.add(id(v))
                post.append(v)
                continue
            entered.add(id(v))
            stack.extend(p for p in v.prev if id(p) not in done)
        self.grad = 1.0
        for v in reversed(post):
            for p, d in zip(v.prev, v.local):
                p.grad += d * v.grad
