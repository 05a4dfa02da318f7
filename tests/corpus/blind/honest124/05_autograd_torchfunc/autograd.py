"""Autograd — torch.func for the autograd exercises, logaddexp for the sigmoid, closures in Value."""

from __future__ import annotations

import functools
import math
from typing import Callable

import torch
from torch import Tensor
from torch.func import grad as func_grad

# Warm cache built at import: local-derivative rules of the unary Value operations, keyed by name.
_UNARY_RULES: dict[str, Callable[[float], tuple[float, float]]] = {}


def _rule(name: str):
    def register(fn):
        _UNARY_RULES[name] = fn
        return fn
    return register


@_rule("tanh")
def _tanh_rule(a: float) -> tuple[float, float]:
    t = math.tanh(a)
    return t, 1.0 - t * t


@_rule("exp")
def _exp_rule(a: float) -> tuple[float, float]:
    e = math.exp(a)
    return e, e


@_rule("relu")
def _relu_rule(a: float) -> tuple[float, float]:
    return (a, 1.0) if a > 0 else (0.0, 0.0)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = (w1 * x + w2) * x + b - y
    dr = 2 * r
    return torch.mean(dr * x * x), torch.mean(dr * x), torch.mean(dr)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """torch.func.grad of the summed output, on a detached copy of x."""
    return func_grad(lambda t: f(t).sum())(x.detach().clone())


def detach_grad(x: Tensor) -> Tensor:
    def z_total(t: Tensor) -> Tensor:
        u = (t * t).detach()
        return (u * t).sum()
    return func_grad(z_total)(x.detach().clone())


class Sigmoid(torch.autograd.Function):
    """σ(x) = exp(−log(1 + e^(−x))) with log(1 + e^(−x)) = logaddexp(0, −x), finite everywhere."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = torch.exp(-torch.logaddexp(torch.zeros_like(x), -x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    import itertools  # used by this exercise only

    g = torch.zeros_like(x)
    with torch.no_grad():
        for idx in itertools.product(*[range(s) for s in x.shape]):
            saved = x[idx].clone()
            x[idx] = saved + eps
            up = float(f(x))
            x[idx] = saved - eps
            down = float(f(x))
            x[idx] = saved
            g[idx] = (up - down) / (2 * eps)
    return g


class Value:
    """Micrograd-style node: each result carries a closure that pushes its grad to its inputs."""

    def __init__(self, data: float, children: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._children = children
        self._backward: Callable[[], None] = lambda: None

    @staticmethod
    def _as_value(v) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def _binary(self, other, fn, d_self, d_other) -> "Value":
        o = Value._as_value(other)
        out = Value(fn(self.data, o.data), (self, o))

        def _backward() -> None:
            self.grad += d_self(self.data, o.data) * out.grad
            o.grad += d_other(self.data, o.data) * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b, lambda a, b: 1.0, lambda a, b: 1.0)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b, lambda a, b: b, lambda a, b: a)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b, lambda a, b: 1.0, lambda a, b: -1.0)

    def __truediv__(self, other):
        return self._binary(other, lambda a, b: a / b, lambda a, b: 1.0 / b, lambda a, b: -a / (b * b))

    def __radd__(self, other):
        return Value._as_value(other) + self

    def __rmul__(self, other):
        return Value._as_value(other) * self

    def __rsub__(self, other):
        return Value._as_value(other) - self

    def __rtruediv__(self, other):
        return Value._as_value(other) / self

    def __neg__(self):
        return self * -1.0

    def __pow__(self, k: float):
        out = Value(self.data ** k, (self,))

        def _backward() -> None:
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def _unary(self, name: str) -> "Value":
        value, local = _UNARY_RULES[name](self.data)
        out = Value(value, (self,))

        def _backward() -> None:
            self.grad += local * out.grad

        out._backward = _backward
        return out

    tanh = functools.partialmethod(_unary, "tanh")
    exp = functools.partialmethod(_unary, "exp")
    relu = functools.partialmethod(_unary, "relu")

    def backward(self) -> None:
        topo: list[Value] = []
        seen: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                topo.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            for child in node._children:
                if id(child) not in seen:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
