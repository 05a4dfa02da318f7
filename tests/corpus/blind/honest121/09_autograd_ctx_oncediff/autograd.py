"""Autograd — annotated custom Function (FunctionCtx, once_differentiable), slotted Value."""

from __future__ import annotations

import collections
import math
from numbers import Number
from typing import Callable, Deque, Dict, List, Tuple, Union

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

Scalar = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """dloss/dw = mean(2·x·r) with the residual r = w·x − y formed first."""
    r = torch.sub(torch.mul(w, x), y)
    return torch.mul(x, r).mean().mul(2)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    r = torch.addcmul(w2 * x + b - y, w1, x * x)   # w1·x² + w2·x + b − y
    g = 2.0 * r
    return (g * x.square()).mean(), (g * x).mean(), g.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    probe = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        total = f(probe).sum()
    (g,) = torch.autograd.grad(total, probe, allow_unused=True)
    return torch.zeros_like(probe) if g is None else g


def detach_grad(x: Tensor) -> Tensor:
    probe = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = probe * probe
        u = y.detach()
        z = u * probe
    (g,) = torch.autograd.grad(z.sum(), probe)
    return g


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        neg = x < 0
        e = torch.exp(torch.where(neg, x, -x))     # e^(−|x|) ∈ (0, 1]
        out = torch.where(neg, e, torch.ones_like(e)) / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * (out - out * out)


def numerical_grad(f: Callable[[Tensor], Union[Tensor, float]], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)
    values: List[float] = []
    with torch.no_grad():
        for i in range(flat.shape[0]):
            keep = flat[i].clone()
            flat[i] += eps
            hi = float(f(x))
            flat[i] = keep - eps
            lo = float(f(x))
            flat[i] = keep
            values.append((hi - lo) / (2.0 * eps))
    return torch.tensor(values, dtype=x.dtype, device=x.device).reshape(x.shape)


class Value:
    """Each node stores its parents and the local derivative towards each of them."""

    __slots__ = ("data", "grad", "parents", "locals")

    def __init__(self, data: Scalar, parents: Tuple["Value", ...] = (), locals: Tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.locals = locals

    @staticmethod
    def lift(v: Union["Value", Scalar]) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, o):
        o = Value.lift(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, o):
        o = Value.lift(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, o):
        o = Value.lift(o)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, o):
        return Value.lift(o) - self

    def __truediv__(self, o):
        o = Value.lift(o)
        return Value(self.data / o.data, (self, o), (1.0 / o.data, -self.data / (o.data * o.data)))

    def __rtruediv__(self, o):
        return Value.lift(o) / self

    def __pow__(self, k: Scalar):
        assert isinstance(k, Number), "only numeric exponents"
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        positive = self.data > 0
        return Value(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def backward(self) -> None:
        # Kahn's algorithm: a node is processed once every node that uses it is done.
        users: Dict[int, int] = collections.defaultdict(int)
        seen = {id(self)}
        queue: Deque[Value] = collections.deque([self])
        while queue:
            node = queue.popleft()
            for p in node.parents:
                users[id(p)] += 1
                if id(p) not in seen:
                    seen.add(id(p))
                    queue.append(p)
        self.grad = 1.0
        ready: Deque[Value] = collections.deque([self])
        while ready:
            node = ready.popleft()
            for p, local in zip(node.parents, node.locals):
                p.grad += local * node.grad
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)
