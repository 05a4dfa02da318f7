"""Autograd exercises, using a helper module gradtools.py beside this file."""
from __future__ import annotations

import math
from collections import deque

import numpy as np
import torch
from torch import Tensor

from gradtools import fresh_leaf, residual, stable_sigmoid


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r = residual([w, 0.0], x, y)  # y_hat = w*x + 0
    return torch.mean(2 * x * r)


def quadratic_grads(w1, w2, b, x, y):
    r = residual([w1, w2, b], x, y)  # Horner: (w1*x + w2)*x + b
    return (2 * r * x ** 2).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f, x):
    leaf = fresh_leaf(x)
    f(leaf).sum().backward()
    return leaf.grad


def detach_grad(x):
    leaf = fresh_leaf(x)
    u = (leaf * leaf).detach()
    (u * leaf).sum().backward()
    return leaf.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out = stable_sigmoid(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        out, = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f, x, eps=1e-6):
    g = torch.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        orig = x[idx].item()
        x[idx] = orig + eps
        up = float(f(x))
        x[idx] = orig - eps
        down = float(f(x))
        x[idx] = orig
        g[idx] = (up - down) / (2 * eps)
    return g


class Value:
    """Scalar autodiff node; backward via Kahn's algorithm on in-degrees."""

    def __init__(self, data, parents=(), grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = list(parents)
        self.grads = list(grads)

    def _v(self, o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = self._v(o)
        return Value(self.data + o.data, [self, o], [1.0, 1.0])

    __radd__ = __add__

    def __mul__(self, o):
        o = self._v(o)
        return Value(self.data * o.data, [self, o], [o.data, self.data])

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + (-self._v(o))

    def __rsub__(self, o):
        return self._v(o) + (-self)

    def __truediv__(self, o):
        return self * self._v(o) ** -1

    def __rtruediv__(self, o):
        return self._v(o) * self ** -1

    def __pow__(self, k):
        return Value(self.data ** k, [self], [k * self.data ** (k - 1)])

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, [self], [1 - t * t])

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e])

    def relu(self):
        return Value(max(0.0, self.data), [self], [float(self.data > 0)])

    def backward(self):
        # count how many times each node is used inside the graph of self
        uses = {}
        seen = {id(self)}
        queue = deque([self])
        nodes = [self]
        while queue:
            n = queue.popleft()
            for p in n.parents:
                uses[id(p)] = uses.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    nodes.append(p)
                    queue.append(p)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            n = ready.popleft()
            for p, g in zip(n.parents, n.grads):
                p.grad += g * n.grad
                uses[id(p)] -= 1
                if uses[id(p)] == 0:
                    ready.append(p)
