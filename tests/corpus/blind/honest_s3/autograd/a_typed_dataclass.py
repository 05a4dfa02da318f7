# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Autograd — type-annotated, Value as a dataclass, sigmoid through logaddexp."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Union

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

Number = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    n: int = x.numel()
    residual: Tensor = w * x - y
    return 2.0 * torch.dot(x, residual) / n


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    features: Tensor = torch.stack([x * x, x, torch.ones_like(x)])      # (3, n)
    weights: Tensor = torch.stack([w1, w2, b])                           # (3,)
    residual: Tensor = (weights[:, None] * features).sum(0) - y          # (n,)
    g: Tensor = (2.0 * residual * features).mean(dim=1)                  # (3,)
    return g[0], g[1], g[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    probe: Tensor = x.clone().detach()
    probe.requires_grad = True
    f(probe).sum().backward()
    assert probe.grad is not None
    return probe.grad.detach()


def detach_grad(x: Tensor) -> Tensor:
    probe: Tensor = x.clone().detach().requires_grad_(True)
    y: Tensor = probe * probe
    u: Tensor = y.detach()
    z: Tensor = u * probe
    (g,) = torch.autograd.grad(z.sum(), (probe,))
    return g


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        # σ(x) = exp(x − log(1 + eˣ)) = exp(x − logaddexp(0, x)); both pieces stay finite
        out: Tensor = torch.exp(x - torch.logaddexp(torch.zeros_like(x), x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    g: Tensor = torch.zeros_like(x)
    with torch.no_grad():
        for idx in np.ndindex(*x.shape):          # every element index, () for a 0-dim x
            saved: float = float(x[idx])
            x[idx] = saved + eps
            f_hi: float = float(f(x))
            x[idx] = saved - eps
            f_lo: float = float(f(x))
            x[idx] = saved
            g[idx] = (f_hi - f_lo) / (2.0 * eps)
    return g


@dataclass(eq=False)
class Value:
    data: float
    grad: float = 0.0
    parents: tuple[Value, ...] = field(default=(), repr=False)
    partials: tuple[float, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)
        self.grad = float(self.grad)

    @staticmethod
    def of(v: Value | Number) -> Value:
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, o: Value | Number) -> Value:
        o = Value.of(o)
        return Value(self.data + o.data, parents=(self, o), partials=(1.0, 1.0))

    def __mul__(self, o: Value | Number) -> Value:
        o = Value.of(o)
        return Value(self.data * o.data, parents=(self, o), partials=(o.data, self.data))

    def __pow__(self, k: Number) -> Value:
        return Value(self.data ** k, parents=(self,), partials=(k * self.data ** (k - 1),))

    def __neg__(self) -> Value:
        return Value(-self.data, parents=(self,), partials=(-1.0,))

    def __sub__(self, o: Value | Number) -> Value:
        return self + (-Value.of(o))

    def __truediv__(self, o: Value | Number) -> Value:
        return self * (Value.of(o) ** -1)

    def __radd__(self, o: Number) -> Value:
        return Value.of(o) + self

    def __rsub__(self, o: Number) -> Value:
        return Value.of(o) - self

    def __rmul__(self, o: Number) -> Value:
        return Value.of(o) * self

    def __rtruediv__(self, o: Number) -> Value:
        return Value.of(o) / self

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, parents=(self,), partials=(1.0 - t * t,))

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, parents=(self,), partials=(e,))

    def relu(self) -> Value:
        on = self.data > 0
        return Value(self.data if on else 0.0, parents=(self,), partials=(1.0 if on else 0.0,))

    def backward(self) -> None:
        order: list[Value] = []
        state: dict[int, int] = {}          # 1 = on the stack, 2 = finished
        stack: list[Value] = [self]
        while stack:
            node = stack[-1]
            if state.get(id(node)) is None:
                state[id(node)] = 1
                stack.extend(p for p in node.parents if state.get(id(p)) is None)
            else:
                stack.pop()
                if state[id(node)] == 1:
                    state[id(node)] = 2
                    order.append(node)
        self.grad = 1.0
        for node in order[::-1]:
            for p, d in zip(node.parents, node.partials):
                p.grad += d * node.grad
