"""Autograd; Value as a dataclass, topological order from an explicit stack."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


def linear_grad(w, x, y):
    # lecture 3: dloss/dw = 2 x (x w - y), averaged
    grad = 0
    r = x * w - y
    grad = 2 * x * r
    return grad.mean()


def quadratic_grads(w1, w2, b, x, y):
    y_pred = w1 * x.pow(2) + w2 * x + b
    d = 2 * (y_pred - y)
    return (d * x.pow(2)).mean(), (d * x).mean(), d.mean()


def grad_of_vector_fn(f, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def detach_grad(x):
    x = x.detach().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = u * x
    return torch.autograd.grad(z.sum(), x)[0]


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = torch.empty_like(x)
        pos = x >= 0
        out[pos] = 1 / (1 + torch.exp(-x[pos]))
        ex = torch.exp(x[~pos])
        out[~pos] = ex / (1 + ex)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


def numerical_grad(f, x, eps=1e-6):
    out = torch.zeros_like(x)
    n = x.numel()
    for i in range(n):
        idx = torch.unravel_index(torch.tensor(i), x.shape)
        idx = tuple(int(t) for t in idx)
        v = x[idx].item()
        x[idx] = v + eps
        a = f(x)
        a = a.item() if isinstance(a, Tensor) else a
        x[idx] = v - eps
        b = f(x)
        b = b.item() if isinstance(b, Tensor) else b
        x[idx] = v
        out[idx] = (a - b) / (2 * eps)
    return out


@dataclass(eq=False)
class Value:
    data: float
    grad: float = 0.0
    _parents: tuple = field(default=(), repr=False)
    _chain: tuple = field(default=(), repr=False)

    def __post_init__(self):
        self.data = float(self.data)

    @classmethod
    def of(cls, v):
        return v if isinstance(v, Value) else cls(v)

    def __add__(self, o):
        o = Value.of(o)
        return Value(self.data + o.data, _parents=(self, o), _chain=(1.0, 1.0))

    def __mul__(self, o):
        o = Value.of(o)
        return Value(self.data * o.data, _parents=(self, o), _chain=(o.data, self.data))

    def __pow__(self, k):
        return Value(self.data ** k, _parents=(self,), _chain=(k * self.data ** (k - 1),))

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-Value.of(o))

    def __truediv__(self, o):
        return self * Value.of(o) ** -1

    def __radd__(self, o):
        return Value.of(o) + self

    def __rsub__(self, o):
        return Value.of(o) - self

    def __rmul__(self, o):
        return Value.of(o) * self

    def __rtruediv__(self, o):
        return Value.of(o) / self

    def exp(self):
        e = math.exp(self.data)
        return Value(e, _parents=(self,), _chain=(e,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, _parents=(self,), _chain=(1 - t * t,))

    def relu(self):
        return Value(max(self.data, 0.0), _parents=(self,), _chain=(1.0 if self.data > 0 else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [(self, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            if i < len(node._parents):
                stack.append((node, i + 1))
                stack.append((node._parents[i], 0))
            else:
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            for p, c in zip(node._parents, node._chain):
                p.grad += c * node.grad
