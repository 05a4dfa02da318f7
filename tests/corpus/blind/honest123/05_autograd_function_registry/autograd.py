"""Autograd — custom Function with ctx, and a micrograd-style Value whose operations are
registered in a table by a decorator when the module is imported."""

from __future__ import annotations

import math
from typing import Callable, Iterator

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y
    return torch.mean(2 * x * residual)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x * x
    r2 = 2 * (w1 * x2 + w2 * x + b - y)
    return (r2 * x2).mean(), (r2 * x).mean(), r2.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone()
    leaf.requires_grad_(True)
    with torch.enable_grad():
        out = f(leaf).sum()
    (g,) = torch.autograd.grad(out, [leaf])
    return g


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = leaf * leaf
        u = y.detach()
        z = u * leaf
        (g,) = torch.autograd.grad(z.sum(), leaf)
    return g


class Sigmoid(torch.autograd.Function):
    """Stable logistic function; backward by hand from the saved output."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        # exp of a non-positive number never overflows
        e = torch.exp(-torch.abs(x))
        out = torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1.0 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad = torch.empty_like(x)
    flat = x.view(-1)
    gflat = grad.view(-1)
    with torch.no_grad():
        for i in range(flat.numel()):
            keep = flat[i].item()
            flat[i] = keep + eps
            up = float(f(x))
            flat[i] = keep - eps
            down = float(f(x))
            flat[i] = keep
            gflat[i] = (up - down) / (2 * eps)
    return grad


# ---- Value: operations registered in a table at import --------------------------------
# each entry maps a name to (forward on floats, local derivatives)
UNARY_OPS: dict[str, Callable[[float], tuple[float, float]]] = {}


def unary(name: str) -> Callable[[Callable[[float], tuple[float, float]]], Callable[[float], tuple[float, float]]]:
    def register(fn: Callable[[float], tuple[float, float]]) -> Callable[[float], tuple[float, float]]:
        UNARY_OPS[name] = fn
        return fn
    return register


@unary("tanh")
def tanh_rule(a: float) -> tuple[float, float]:
    t = math.tanh(a)
    return t, 1.0 - t * t


@unary("exp")
def exp_rule(a: float) -> tuple[float, float]:
    e = math.exp(a)
    return e, e


@unary("relu")
def relu_rule(a: float) -> tuple[float, float]:
    return (a, 1.0) if a > 0 else (0.0, 0.0)


@unary("neg")
def neg_rule(a: float) -> tuple[float, float]:
    return -a, -1.0


assert sorted(UNARY_OPS) == ["exp", "neg", "relu", "tanh"]
assert UNARY_OPS["relu"](0.0) == (0.0, 0.0)


class Value:
    """Scalar reverse-mode node; parents and local derivatives kept as tuples."""

    def __init__(self, data: float, parents: tuple = (), local: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.local = local

    @staticmethod
    def lift(other: "Value | float") -> "Value":
        return other if isinstance(other, Value) else Value(other)

    def apply(self, name: str) -> "Value":
        value, deriv = UNARY_OPS[name](self.data)
        return Value(value, (self,), (deriv,))

    def __add__(self, other: "Value | float") -> "Value":
        o = Value.lift(other)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other: "Value | float") -> "Value":
        o = Value.lift(other)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __neg__(self) -> "Value":
        return self.apply("neg")

    def __sub__(self, other: "Value | float") -> "Value":
        o = Value.lift(other)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, other: float) -> "Value":
        return Value.lift(other) - self

    def __pow__(self, k: float) -> "Value":
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, other: "Value | float") -> "Value":
        o = Value.lift(other)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / (o.data * o.data)))

    def __rtruediv__(self, other: float) -> "Value":
        return Value.lift(other) / self

    def tanh(self) -> "Value":
        return self.apply("tanh")

    def exp(self) -> "Value":
        return self.apply("exp")

    def relu(self) -> "Value":
        return self.apply("relu")

    def backward(self) -> None:
        # iterative post-order DFS: a node is emitted after all of its parents
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, Iterator]] = [(self, iter(self.parents))]
        visited.add(id(self))
        while stack:
            node, it = stack[-1]
            advanced = False
            for parent in it:
                if id(parent) not in visited:
                    visited.add(id(parent))
                    stack.append((parent, iter(parent.parents)))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                order.append(node)
        self.grad = 1.0
        for node in reversed(order):
            for parent, d in zip(node.parents, node.local):
                parent.grad += d * node.grad

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"



