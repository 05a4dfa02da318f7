"""Autograd with dataclasses, typing and functools."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from functools import partialmethod
from typing import Callable, List, Tuple, Union

import torch
from torch import Tensor

Number = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r: Tensor = w * x - y                        # residual first: no cancellation
    return (x * r).mean() * 2


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    r: Tensor = w1 * x ** 2 + w2 * x + b - y
    feats: List[Tensor] = [x ** 2, x, torch.ones_like(x)]
    g1, g2, g3 = ((2 * r * phi).mean() for phi in feats)
    return g1, g2, g3


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_(True)
        total = f(xc).sum()
    if not total.requires_grad:           # f ignores x: the gradient is zero (of x's dtype and device)
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(total, xc, allow_unused=True)
    return torch.zeros_like(x) if g is None else g


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_(True)
        z = (xc * xc).detach() * xc
        (g,) = torch.autograd.grad(z, xc, torch.ones_like(z))
    return g


class Sigmoid(torch.autograd.Function):
    """Stable logistic function as an autograd Function."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        # log-space: sigma(x) = exp(-softplus(-x)), softplus(z) = logaddexp(0, z)
        out = torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f: Callable[[Tensor], Union[Tensor, float]], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.zeros_like(x)
    with torch.no_grad():
        for idx in itertools.product(*map(range, x.shape)):
            orig = x[idx].item()
            vals = []
            for sign in (1, -1):
                x[idx] = orig + sign * eps
                vals.append(float(f(x)))
            x[idx] = orig
            grad[idx] = (vals[0] - vals[1]) / (2 * eps)
    return grad


@dataclass(eq=False)          # eq=False keeps identity hashing: nodes go in sets/dicts
class Value:
    data: float
    grad: float = 0.0
    _parents: Tuple["Value", ...] = field(default=(), repr=False)
    _local: Tuple[float, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)
        self.grad = float(self.grad)

    @staticmethod
    def lift(v: Union["Value", Number]) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def _make(self, data: float, parents: Tuple["Value", ...], local: Tuple[float, ...]) -> "Value":
        return Value(data, 0.0, parents, local)

    def __add__(self, o):
        o = Value.lift(o)
        return self._make(self.data + o.data, (self, o), (1.0, 1.0))

    def __mul__(self, o):
        o = Value.lift(o)
        return self._make(self.data * o.data, (self, o), (o.data, self.data))

    def __pow__(self, k: Number):
        return self._make(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + (-Value.lift(o))

    def __truediv__(self, o):
        return self * Value.lift(o) ** -1

    def __radd__(self, o):
        return self + o

    def __rmul__(self, o):
        return self * o

    def __rsub__(self, o):
        return Value.lift(o) - self

    def __rtruediv__(self, o):
        return Value.lift(o) / self

    def _unary(self, fn: Callable[[float], float], dfn: Callable[[float, float], float]) -> "Value":
        y = fn(self.data)
        return self._make(y, (self,), (dfn(self.data, y),))

    tanh = partialmethod(_unary, fn=math.tanh, dfn=lambda x, y: 1.0 - y * y)
    exp = partialmethod(_unary, fn=math.exp, dfn=lambda x, y: y)
    relu = partialmethod(_unary, fn=lambda x: x if x > 0 else 0.0, dfn=lambda x, y: 1.0 if x > 0 else 0.0)

    def backward(self) -> None:
        order: List[Value] = []
        state = {}
        stack: List[Value] = [self]
        while stack:
            node = stack[-1]
            mark = state.get(id(node))
            if mark is None:
                state[id(node)] = 1
                stack.extend(p for p in node._parents if id(p) not in state)
            else:
                stack.pop()
                if mark == 1:
                    state[id(node)] = 2
                    order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            for p, d in zip(node._parents, node._local):
                p.grad += d * node.grad
