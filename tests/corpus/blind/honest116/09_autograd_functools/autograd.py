"""Autograd exercises, written with functools / operator where it reads naturally."""

from __future__ import annotations

import functools
import math
import operator
from typing import Callable, Iterable

import torch
from torch import Tensor


def _mse_residual(pred: Tensor, y: Tensor) -> Tensor:
    return pred - y


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * _mse_residual(w * x, y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = _mse_residual(w1 * x.pow(2) + w2 * x + b, y)
    d = functools.partial(lambda feat: (2 * r * feat).mean())
    return d(x.pow(2)), d(x), d(torch.ones_like(r))


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    x2 = torch.empty_like(x).copy_(x).requires_grad_()
    total = f(x2).sum()
    return torch.autograd.grad(total, x2)[0]


def detach_grad(x: Tensor) -> Tensor:
    x2 = x.detach().clone()
    x2.requires_grad = True
    u = (x2 * x2).detach()
    return torch.autograd.grad((u * x2).sum(), x2)[0]


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # σ(x) = exp(-softplus(-x)), softplus written out with log1p so it never overflows
        softplus_neg = torch.clamp_min(-x, 0) + torch.log1p(torch.exp(-x.abs()))
        s = torch.exp(-softplus_neg)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def _as_float(v) -> float:
    return v.item() if isinstance(v, Tensor) else float(v)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)

    def partial(i: int) -> float:
        old = flat[i].item()
        flat[i] = old + eps
        up = _as_float(f(x))
        flat[i] = old - eps
        down = _as_float(f(x))
        flat[i] = old
        return (up - down) / (2 * eps)

    return torch.tensor([partial(i) for i in range(flat.numel())], dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    __slots__ = ("data", "grad", "parents", "grad_fn")

    def __init__(self, data: float, parents: Iterable["Value"] = (), grad_fn=None) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.grad_fn = grad_fn  # maps out.grad -> tuple of parent contributions

    @staticmethod
    def _v(o):
        return o if isinstance(o, Value) else Value(o)

    def _unary(self, value: float, dlocal: float) -> "Value":
        return Value(value, (self,), lambda g: (g * dlocal,))

    def __add__(self, o):
        o = Value._v(o)
        return Value(self.data + o.data, (self, o), lambda g: (g, g))

    def __mul__(self, o):
        o = Value._v(o)
        a, b = self.data, o.data
        return Value(a * b, (self, o), lambda g: (g * b, g * a))

    def __pow__(self, k):
        return self._unary(self.data ** k, k * self.data ** (k - 1))

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-Value._v(o))

    def __truediv__(self, o):
        return self * Value._v(o) ** -1

    __radd__ = __add__
    __rmul__ = __mul__

    def __rsub__(self, o):
        return Value._v(o) - self

    def __rtruediv__(self, o):
        return Value._v(o) / self

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e)

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t)

    def relu(self):
        return self._unary(self.data if self.data > 0 else 0.0, 1.0 if self.data > 0 else 0.0)

    def _topo(self) -> list["Value"]:
        order, seen, todo = [], set(), [(self, 0)]
        while todo:
            node, i = todo.pop()
            if i == 0:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            if i < len(node.parents):
                todo.append((node, i + 1))
                todo.append((node.parents[i], 0))
            else:
                order.append(node)
        return order

    def backward(self) -> None:
        self.grad = 1.0
        for node in reversed(self._topo()):
            if node.grad_fn is None:
                continue
            for parent, contrib in zip(node.parents, node.grad_fn(node.grad)):
                parent.grad = operator.add(parent.grad, contrib)
