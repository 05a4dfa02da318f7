# correct: Sigmoid forward as exp(−softplus(−x)); numerical_grad writing through x.view(-1) with index lists; Value storing an op tag and computing local derivatives in backward, ordered by an explicit-stack DFS with iterators
"""Autograd — reference solution. The specification is the docstrings in exercises/autograd.py."""

from __future__ import annotations

import itertools
import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """mean(2·x·(w·x − y))."""
    return (2 * x * (w * x - y)).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """The chain rule through r = y_hat − y."""
    r = w1 * x**2 + w2 * x + b - y
    return (2 * r * x**2).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Autograd on a detached copy, so the caller's x is untouched."""
    copy = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(copy).sum(), copy)
    return grad


def detach_grad(x: Tensor) -> Tensor:
    """z = u·x with u = (x·x).detach(): dz/dx = u."""
    copy = x.detach().clone().requires_grad_(True)
    u = (copy * copy).detach()
    (u * copy).sum().backward()
    return copy.grad


class Sigmoid(torch.autograd.Function):
    """Stable forward, backward from the saved output."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        out = torch.exp(-F.softplus(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """x is contiguous: perturb through its flat view."""
    flat = x.view(-1)
    grads = []
    with torch.no_grad():
        for i in range(flat.numel()):
            v = float(flat[i])
            flat[i] = v + eps
            up = f(x)
            up = up.item() if isinstance(up, Tensor) else float(up)
            flat[i] = v - eps
            down = f(x)
            down = down.item() if isinstance(down, Tensor) else float(down)
            flat[i] = v
            grads.append((up - down) / (2 * eps))
    return torch.tensor(grads, dtype=x.dtype, device=x.device).view(x.shape)


class Value:
    """Each node records an op tag; backward dispatches on it."""

    def __init__(self, data: float, op: str = "", parents: tuple = (), k: float = 0.0) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.op = op
        self.parents = parents
        self.k = k

    @staticmethod
    def lift(v):
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, o):
        o = Value.lift(o)
        return Value(self.data + o.data, "add", (self, o))

    __radd__ = __add__

    def __mul__(self, o):
        o = Value.lift(o)
        return Value(self.data * o.data, "mul", (self, o))

    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, "neg", (self,))

    def __sub__(self, o):
        return self + (-Value.lift(o))

    def __rsub__(self, o):
        return Value.lift(o) + (-self)

    def __pow__(self, k):
        return Value(self.data ** k, "pow", (self,), k)

    def __truediv__(self, o):
        return self * Value.lift(o) ** -1.0

    def __rtruediv__(self, o):
        return Value.lift(o) * self ** -1.0

    def tanh(self):
        return Value(math.tanh(self.data), "tanh", (self,))

    def exp(self):
        return Value(math.exp(self.data), "exp", (self,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, "relu", (self,))

    def _push(self):
        g = self.grad
        if self.op == "add":
            self.parents[0].grad += g
            self.parents[1].grad += g
        elif self.op == "mul":
            a, b = self.parents
            a.grad += b.data * g
            b.grad += a.data * g
        elif self.op == "neg":
            self.parents[0].grad -= g
        elif self.op == "pow":
            a = self.parents[0]
            a.grad += self.k * a.data ** (self.k - 1) * g
        elif self.op == "tanh":
            self.parents[0].grad += (1 - self.data ** 2) * g
        elif self.op == "exp":
            self.parents[0].grad += self.data * g
        elif self.op == "relu":
            self.parents[0].grad += (1.0 if self.data > 0 else 0.0) * g

    def backward(self) -> None:
        post, visited = [], {id(self)}
        stack = [(self, iter(self.parents))]
        while stack:
            node, it = stack[-1]
            child = next(it, None)
            if child is None:
                stack.pop()
                post.append(node)
            elif id(child) not in visited:
                visited.add(id(child))
                stack.append((child, iter(child.parents)))
        self.grad = 1.0
        for node in reversed(post):
            node._push()
