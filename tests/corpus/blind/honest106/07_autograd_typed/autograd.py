"""Autograd — with string annotations on ctx, once_differentiable and a parent/local-derivative Value."""

from __future__ import annotations

import itertools
import math
from typing import Callable, List, Optional, Tuple, Union

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor
from torch.autograd.function import once_differentiable

Number = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2.0 * x * (w * x - y)).sum() / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    x2 = x.pow(2)
    g = 2 * (w1 * x2 + w2 * x + b - y)     # dL/dy_hat per sample, times n
    return (g * x2).mean(), (g * x).mean(), g.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    out = f(leaf)
    grad, = torch.autograd.grad(out, leaf, grad_outputs=torch.ones_like(out))
    return grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    u = (leaf * leaf).detach()
    (grad,) = torch.autograd.grad((u * leaf).sum(), leaf)
    return grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        neg = x < 0
        z = torch.exp(torch.where(neg, x, -x))          # e^{-|x|}
        out = torch.where(neg, z / (1 + z), 1 / (1 + z))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Union[Tensor, float]], x: Tensor, eps: float = 1e-6) -> Tensor:
    g = torch.empty_like(x)
    with torch.no_grad():
        for idx in itertools.product(*map(range, x.shape)):
            saved = x[idx].clone()
            x[idx] = saved + eps
            up = float(f(x))
            x[idx] = saved - eps
            down = float(f(x))
            x[idx] = saved
            g[idx] = (up - down) / (2 * eps)
    return g


class Value:
    __slots__ = ("data", "grad", "parents", "locals")

    def __init__(self, data: Number, parents: Tuple["Value", ...] = (), locals: Tuple[float, ...] = ()) -> None:
        self.data: float = float(data)
        self.grad: float = 0.0
        self.parents = parents
        self.locals = locals

    @staticmethod
    def lift(v: Union["Value", Number]) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, o: Union["Value", Number]) -> "Value":
        o = Value.lift(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, o: Union["Value", Number]) -> "Value":
        o = Value.lift(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __neg__(self) -> "Value":
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, o: Union["Value", Number]) -> "Value":
        o = Value.lift(o)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, o: Number) -> "Value":
        return Value.lift(o) - self

    def __truediv__(self, o: Union["Value", Number]) -> "Value":
        o = Value.lift(o)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / o.data ** 2))

    def __rtruediv__(self, o: Number) -> "Value":
        return Value.lift(o) / self

    def __pow__(self, k: Number) -> "Value":
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self) -> "Value":
        return Value(self.data if self.data > 0 else 0.0, (self,), (float(self.data > 0),))

    def _topo(self) -> List["Value"]:
        order: List[Value] = []
        seen: set = set()
        todo: List[Tuple[Value, bool]] = [(self, False)]
        while todo:
            node, done = todo.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            todo.append((node, True))
            todo.extend((p, False) for p in node.parents if id(p) not in seen)
        return order

    def backward(self) -> None:
        order = self._topo()
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.locals):
                parent.grad += local * node.grad

    def __repr__(self) -> str:
        return f"Value({self.data!r}, grad={self.grad!r})"


def _demo(label: Optional[str] = None) -> None:
    x = Value(0.5)
    y = (x * 2 - 1).tanh() + x.exp() / 3
    y.backward()
    print(label or "demo", y, x.grad)


if __name__ == "__main__":
    _demo()
