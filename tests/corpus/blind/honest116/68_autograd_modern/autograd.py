"""Autograd — Value with a class-level op table, weakref-free iterative topo, torch.func-free autograd."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return torch.mean(torch.mul(2 * x, torch.sub(w * x, y)))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    feats = torch.stack([x * x, x, torch.ones_like(x)])          # (3, n)
    r = (w1 * feats[0] + w2 * feats[1] + b) - y
    g = (2 * r * feats).mean(dim=1)
    return g[0], g[1], g[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    probe = x.detach().clone().requires_grad_(True)
    out = f(probe)
    grad, = torch.autograd.grad(out, probe, grad_outputs=torch.ones_like(out))
    return grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    z = (leaf * leaf).detach() * leaf
    grad, = torch.autograd.grad(z, leaf, torch.ones_like(z))
    return grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(-torch.abs(x))
        s = torch.where(torch.signbit(x), e, torch.ones_like(e)) / (1 + e)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        s, = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    diffs = []
    for i in range(flat.numel()):
        saved = flat[i].item()
        values = []
        for sign in (1, -1):
            flat[i] = saved + sign * eps
            v = f(x)
            values.append(v.item() if torch.is_tensor(v) else float(v))
        flat[i] = saved
        diffs.append((values[0] - values[1]) / (2 * eps))
    return torch.as_tensor(diffs, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    # op name -> (forward on floats, local derivative(s) from inputs and output)
    UNARY = {
        "tanh": (math.tanh, lambda a, out: 1 - out * out),
        "exp": (math.exp, lambda a, out: out),
        "relu": (lambda a: a if a > 0 else 0.0, lambda a, out: 1.0 if a > 0 else 0.0),
    }

    def __init__(self, data: float, parents=(), locals_=()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.locals_ = locals_

    def _unary(self, name: str) -> "Value":
        fwd, dfn = Value.UNARY[name]
        out = fwd(self.data)
        return Value(out, (self,), (dfn(self.data, out),))

    def tanh(self):
        return self._unary("tanh")

    def exp(self):
        return self._unary("exp")

    def relu(self):
        return self._unary("relu")

    @classmethod
    def of(cls, v) -> "Value":
        return v if isinstance(v, cls) else cls(v)

    def __add__(self, o):
        o = Value.of(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __mul__(self, o):
        o = Value.of(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + -Value.of(o)

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

    def backward(self) -> None:
        order, state, stack = [], {}, [self]
        while stack:
            v = stack.pop()
            if state.get(id(v)) == "done":
                continue
            if state.get(id(v)) == "open":
                state[id(v)] = "done"
                order.append(v)
                continue
            state[id(v)] = "open"
            stack.append(v)
            stack.extend(p for p in v.parents if id(p) not in state)
        self.grad = 1.0
        for v in reversed(order):
            for p, d in zip(v.parents, v.locals_):
                p.grad += d * v.grad
