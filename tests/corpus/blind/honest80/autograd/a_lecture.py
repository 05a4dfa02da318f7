"""Autograd — 刘二大人 lecture 3/4 style: explicit formulas, a torch.autograd.grad user."""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import torch
from torch import Tensor


class Grads(NamedTuple):
    w1: Tensor
    w2: Tensor
    b: Tensor


def gradient(x: Tensor, y: Tensor, w: Tensor) -> Tensor:
    """The lecture's own helper name."""
    return (2 * x * (x * w - y)).mean()


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return gradient(x, y, w)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    def forward(x: Tensor) -> Tensor:
        return w1 * x * x + w2 * x + b

    two_r = 2 * (forward(x) - y)
    grads = Grads(w1=(two_r * x * x).mean(), w2=(two_r * x).mean(), b=two_r.mean())
    return grads.w1, grads.w2, grads.b


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    out = f(leaf)
    return torch.autograd.grad(out, leaf, grad_outputs=torch.ones_like(out))[0]


def detach_grad(x: Tensor) -> Tensor:
    leaf = x.detach().requires_grad_(True)
    u = (leaf * leaf).detach()
    return torch.autograd.grad((u * leaf).sum(), leaf)[0]


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        pos = x >= 0
        safe_neg = torch.where(pos, torch.zeros_like(x), x)
        safe_pos = torch.where(pos, x, torch.zeros_like(x))
        ex = torch.exp(safe_neg)
        result = torch.where(pos, 1.0 / (1.0 + torch.exp(-safe_pos)), ex / (1.0 + ex))
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1.0 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    g = torch.empty_like(flat)
    with torch.no_grad():
        for i in range(flat.shape[0]):
            keep = flat[i].clone()
            flat[i] = keep + eps
            up = float(f(x))
            flat[i] = keep - eps
            down = float(f(x))
            flat[i] = keep
            g[i] = (up - down) / (2 * eps)
    return g.view_as(x)


class Value:
    """One node: data, grad, parents and the local derivatives towards them."""

    def __init__(self, data: float, parents: tuple = (), locals_: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.locals = locals_

    @staticmethod
    def lift(v) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, o):
        o = Value.lift(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __sub__(self, o):
        o = Value.lift(o)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, o):
        return Value.lift(o) - self

    def __mul__(self, o):
        o = Value.lift(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = Value.lift(o)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / o.data ** 2))

    def __rtruediv__(self, o):
        return Value.lift(o) / self

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        # Kahn's algorithm: a node is processed once all of its users are done
        users: dict[int, int] = {}
        nodes = {id(self): self}
        todo = [self]
        while todo:
            node = todo.pop()
            for p in node.parents:
                users[id(p)] = users.get(id(p), 0) + 1
                if id(p) not in nodes:
                    nodes[id(p)] = p
                    todo.append(p)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for p, local in zip(node.parents, node.locals):
                p.grad += local * node.grad
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)
