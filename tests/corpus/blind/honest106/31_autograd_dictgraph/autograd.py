"""Autograd — Kahn's algorithm (in-degree counts, collections.deque) for Value.backward."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from typing import Callable

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r = w * x - y
    return torch.mean(2.0 * x * r)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = torch.addcmul(w2 * x + b - y, w1, x * x)
    two_r = 2 * r
    return torch.mean(two_r * x * x), torch.mean(two_r * x), torch.mean(two_r)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_()
        y = f(xc)
        if y.dim() > 0:
            y = y.sum()
        y.backward()
    return xc.grad


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_()
        u = (xc * xc).detach()
        z = u * xc
        return torch.autograd.grad(z.sum(), xc)[0]


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-x.abs())
        num = torch.where(x >= 0, torch.ones_like(e), e)
        out = num / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        out, = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    grads = []
    for i in range(flat.numel()):
        orig = flat[i].item()
        flat[i] = orig + eps
        hi = float(f(x))
        flat[i] = orig - eps
        lo = float(f(x))
        flat[i] = orig
        grads.append((hi - lo) / (2 * eps))
    return torch.tensor(grads, dtype=x.dtype, device=x.device).view(x.shape)


class Value:
    def __init__(self, data, _parents=(), _grads=()):
        self.data = float(data)
        self.grad = 0.0
        self._parents = list(_parents)
        self._grads = list(_grads)

    def _v(self, o):
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = self._v(o)
        return Value(self.data + o.data, [self, o], [1.0, 1.0])

    def __mul__(self, o):
        o = self._v(o)
        return Value(self.data * o.data, [self, o], [o.data, self.data])

    def __pow__(self, k):
        return Value(self.data ** k, [self], [k * self.data ** (k - 1)])

    def __neg__(self):
        return Value(-self.data, [self], [-1.0])

    def __sub__(self, o):
        return self + (-self._v(o))

    def __rsub__(self, o):
        return self._v(o) - self

    def __truediv__(self, o):
        o = self._v(o)
        return Value(self.data / o.data, [self, o], [1 / o.data, -self.data / (o.data * o.data)])

    def __rtruediv__(self, o):
        return self._v(o) / self

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, [self], [1 - t * t])

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e])

    def relu(self):
        return Value(max(0.0, self.data), [self], [1.0 if self.data > 0 else 0.0])

    def backward(self):
        # count, for every node, how many edges lead into it from nodes that depend on it
        indeg = defaultdict(int)
        seen = {id(self)}
        stack = [self]
        while stack:
            n = stack.pop()
            for p in n._parents:
                indeg[id(p)] += 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            n = ready.popleft()
            for p, g in zip(n._parents, n._grads):
                p.grad += g * n.grad
                indeg[id(p)] -= 1
                if indeg[id(p)] == 0:
                    ready.append(p)
