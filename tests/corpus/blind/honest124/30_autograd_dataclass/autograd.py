"""Autograd — a dataclass Value with an operation table; autograd run under enable_grad."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    residual = w * x - y
    return 2 * torch.dot(x, residual) / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    feats = torch.stack([x * x, x, torch.ones_like(x)])          # (3, n)
    r = w1 * feats[0] + w2 * feats[1] + b - y
    grads = 2 * (feats * r).mean(dim=1)
    g1, g2, g3 = grads.unbind(0)
    return g1, g2, g3


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone()
        xc.requires_grad_()
        total = f(xc).sum()
        if not total.requires_grad:                 # f does not depend on x
            return torch.zeros_like(xc)
        total.backward()
    return xc.grad


def detach_grad(x: Tensor) -> Tensor:
    with torch.enable_grad():
        xc = x.detach().clone().requires_grad_(True)
        u = (xc * xc).detach()
        (u * xc).sum().backward()
    return xc.grad


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        t = torch.exp(-x.abs())                          # in (0, 1], never overflows
        num = torch.where(x < 0, t, torch.ones_like(t))
        out = num / (1 + t)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * (out - out * out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    result = torch.zeros_like(flat)

    def probe(i: int, value: float) -> float:
        flat[i] = value
        return float(f(x))

    with torch.no_grad():
        for i in range(flat.shape[0]):
            orig = float(flat[i])
            hi, lo = probe(i, orig + eps), probe(i, orig - eps)
            flat[i] = orig
            result[i] = (hi - lo) / (2 * eps)
    return result.view_as(x)


# Operation table (built at import): name -> (forward on floats, local derivatives).
_BINARY: dict[str, tuple[Callable[[float, float], float], Callable[[float, float], tuple[float, float]]]] = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1.0 / b, -a / (b * b))),
}


@dataclass(eq=False)
class Value:
    data: float
    grad: float = 0.0
    parents: tuple = field(default=(), repr=False)
    locals_: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)

    def _op(self, other, name: str, swap: bool = False) -> "Value":
        o = other if isinstance(other, Value) else Value(other)
        a, b = (o, self) if swap else (self, o)
        fwd, local = _BINARY[name]
        return Value(fwd(a.data, b.data), parents=(a, b), locals_=local(a.data, b.data))

    def __add__(self, o): return self._op(o, "add")
    def __radd__(self, o): return self._op(o, "add", swap=True)
    def __sub__(self, o): return self._op(o, "sub")
    def __rsub__(self, o): return self._op(o, "sub", swap=True)
    def __mul__(self, o): return self._op(o, "mul")
    def __rmul__(self, o): return self._op(o, "mul", swap=True)
    def __truediv__(self, o): return self._op(o, "div")
    def __rtruediv__(self, o): return self._op(o, "div", swap=True)

    def __neg__(self) -> "Value":
        return Value(-self.data, parents=(self,), locals_=(-1.0,))

    def __pow__(self, k: float) -> "Value":
        return Value(self.data ** k, parents=(self,), locals_=(k * self.data ** (k - 1),))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, parents=(self,), locals_=(1 - t * t,))

    def exp(self) -> "Value":
        e = math.exp(self.data)
        return Value(e, parents=(self,), locals_=(e,))

    def relu(self) -> "Value":
        return Value(max(0.0, self.data), parents=(self,), locals_=(1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        order, marked = [], set()
        stack = [self]
        while stack:                                   # iterative post-order
            node = stack[-1]
            if id(node) in marked:
                stack.pop()
                continue
            pending = [p for p in node.parents if id(p) not in marked]
            if pending:
                stack.extend(pending)   # duplicates are skipped once marked
            else:
                marked.add(id(node))
                order.append(node)
                stack.pop()
        self.grad = 1.0
        for node in reversed(order):
            for p, g in zip(node.parents, node.locals_):
                p.grad += g * node.grad
