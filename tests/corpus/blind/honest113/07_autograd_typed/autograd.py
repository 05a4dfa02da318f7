"""Autograd — with type annotations throughout, once_differentiable and a demo."""
from __future__ import annotations

import math
from typing import Callable, List, Optional, Set, Tuple, Union

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

Number = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual: Tensor = w * x - y
    return (2.0 * x * residual).sum() / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    r: Tensor = w1 * x * x + w2 * x + b - y
    two_r: Tensor = 2 * r
    return (two_r * x * x).mean(), (two_r * x).mean(), two_r.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf: Tensor = x.detach().clone().requires_grad_(True)
    out: Tensor = f(leaf)
    grads: Tuple[Tensor, ...] = torch.autograd.grad(out.sum(), [leaf])
    return grads[0]


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().requires_grad_()
    u: Tensor = (leaf * leaf).detach()
    (grad,) = torch.autograd.grad((u * leaf).sum(), leaf)
    return grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        # exp of a non-positive number never overflows
        neg_abs: Tensor = -x.abs()
        e: Tensor = neg_abs.exp()
        numerator: Tensor = torch.where(x >= 0, torch.ones_like(x), e)
        out: Tensor = numerator / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1.0 - out)


def numerical_grad(f: Callable[[Tensor], Union[Tensor, float]], x: Tensor, eps: float = 1e-6) -> Tensor:
    grad: Tensor = torch.empty_like(x)
    xf: Tensor = x.view(-1)
    gf: Tensor = grad.view(-1)
    with torch.no_grad():
        for i in range(xf.shape[0]):
            saved: float = float(xf[i])
            xf[i] = saved + eps
            f_plus: float = float(f(x))
            xf[i] = saved - eps
            f_minus: float = float(f(x))
            xf[i] = saved
            gf[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


class Value:
    def __init__(self, data: Number, children: Tuple["Value", ...] = (),
                 local_grads: Tuple[float, ...] = ()) -> None:
        self.data: float = float(data)
        self.grad: float = 0.0
        self.children: Tuple[Value, ...] = children
        self.local_grads: Tuple[float, ...] = local_grads

    @staticmethod
    def lift(v: Union["Value", Number]) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other: Union["Value", Number]) -> "Value":
        o = Value.lift(other)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __radd__(self, other: Number) -> "Value":
        return Value.lift(other) + self

    def __sub__(self, other: Union["Value", Number]) -> "Value":
        o = Value.lift(other)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, other: Number) -> "Value":
        return Value.lift(other) - self

    def __mul__(self, other: Union["Value", Number]) -> "Value":
        o = Value.lift(other)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    def __rmul__(self, other: Number) -> "Value":
        return Value.lift(other) * self

    def __truediv__(self, other: Union["Value", Number]) -> "Value":
        o = Value.lift(other)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / (o.data * o.data)))

    def __rtruediv__(self, other: Number) -> "Value":
        return Value.lift(other) / self

    def __neg__(self) -> "Value":
        return Value(-self.data, (self,), (-1.0,))

    def __pow__(self, k: Number) -> "Value":
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self) -> "Value":
        positive = self.data > 0
        return Value(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def backward(self) -> None:
        order: List[Value] = []
        visited: Set[int] = set()
        todo: List[Tuple[Value, bool]] = [(self, False)]
        while todo:
            node, ready = todo.pop()
            if ready:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            todo.append((node, True))
            for child in node.children:
                if id(child) not in visited:
                    todo.append((child, False))
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.children, node.local_grads):
                child.grad += local * node.grad

    def __repr__(self) -> str:
        return f"Value({self.data!r}, grad={self.grad!r})"


if __name__ == "__main__":
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + a ** 2).tanh()
    c.backward()
    print(c, a.grad, b.grad)
    print(numerical_grad(lambda t: (t ** 2).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64)))
