"""Autograd — modern idioms: torch.func for the gradient, @torch.no_grad() for the finite differences."""

from __future__ import annotations

import math
from collections import deque
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    return (2 * x * (w * x - y)).sum() / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = torch.addcmul(w2 * x + b, w1, x * x) - y
    feats = torch.stack([x * x, x, torch.ones_like(x)])     # (3, n)
    grads = (2 * r * feats).mean(dim=1)
    return grads[0], grads[1], grads[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    return torch.func.grad(lambda t: f(t).sum())(x.detach())


def detach_grad(x: Tensor) -> Tensor:
    def z_sum(t: Tensor) -> Tensor:
        u = (t * t).detach()
        return (u * t).sum()
    return torch.func.grad(z_sum)(x.detach())


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        # σ(x) = e^{min(x,0)} / (1 + e^{-|x|})
        out = torch.exp(torch.minimum(x, torch.zeros_like(x))) / (1 + torch.exp(-x.abs()))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (sig,) = ctx.saved_tensors
        return grad_output * sig * (1 - sig)


@torch.no_grad()
def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    g = torch.empty(flat.numel(), dtype=x.dtype, device=x.device)
    for i in range(flat.numel()):
        orig = float(flat[i])
        flat[i] = orig + eps
        up = float(f(x))
        flat[i] = orig - eps
        down = float(f(x))
        flat[i] = orig
        g[i] = (up - down) / (2 * eps)
    return g.reshape(x.shape)


class Value:
    def __init__(self, data: float) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents: list[tuple[Value, float]] = []

    @classmethod
    def _node(cls, data: float, *links: tuple[Value, float]) -> Value:
        v = cls(data)
        v.parents = list(links)
        return v

    @staticmethod
    def lift(o: Value | float) -> Value:
        return o if isinstance(o, Value) else Value(o)

    def __add__(self, o):
        o = Value.lift(o)
        return Value._node(self.data + o.data, (self, 1.0), (o, 1.0))

    def __radd__(self, o):
        return Value.lift(o) + self

    def __sub__(self, o):
        o = Value.lift(o)
        return Value._node(self.data - o.data, (self, 1.0), (o, -1.0))

    def __rsub__(self, o):
        return Value.lift(o) - self

    def __mul__(self, o):
        o = Value.lift(o)
        return Value._node(self.data * o.data, (self, o.data), (o, self.data))

    def __rmul__(self, o):
        return Value.lift(o) * self

    def __truediv__(self, o):
        o = Value.lift(o)
        return Value._node(self.data / o.data, (self, 1.0 / o.data), (o, -self.data / o.data ** 2))

    def __rtruediv__(self, o):
        return Value.lift(o) / self

    def __neg__(self):
        return Value._node(-self.data, (self, -1.0))

    def __pow__(self, k: float):
        return Value._node(self.data ** k, (self, k * self.data ** (k - 1)))

    def tanh(self):
        t = math.tanh(self.data)
        return Value._node(t, (self, 1.0 - t * t))

    def exp(self):
        e = math.exp(self.data)
        return Value._node(e, (self, e))

    def relu(self):
        return Value._node(max(self.data, 0.0), (self, float(self.data > 0)))

    def backward(self) -> None:
        # Kahn's algorithm: count how many consumers each node has, release a node once all have run
        pending: dict[int, int] = {}
        queue = deque([self])
        seen = {id(self)}
        while queue:
            node = queue.popleft()
            for parent, _ in node.parents:
                pending[id(parent)] = pending.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    queue.append(parent)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            for parent, local in node.parents:
                parent.grad += local * node.grad
                pending[id(parent)] -= 1
                if pending[id(parent)] == 0:
                    ready.append(parent)
