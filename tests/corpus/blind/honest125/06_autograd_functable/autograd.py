"""Autograd — custom Function with a typed ctx, once_differentiable, torch.func, and a table-driven Value."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.autograd.function import once_differentiable
from torch.func import grad as func_grad  # used by detach_grad only

try:
    from .autograd_rules import RULES
except ImportError:
    from autograd_rules import RULES


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """dL/dw = mean(2·x·r) with the residual r = w·x − y computed first."""
    r = torch.sub(torch.mul(w, x), y)
    return torch.mul(x, r).mean().mul(2)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Stack the three features (x², x, 1) and reduce once."""
    feats = torch.stack([x * x, x, torch.ones_like(x)])       # (3, n)
    r = w1 * feats[0] + w2 * feats[1] + b - y
    g = (2 * r * feats).mean(dim=1)                              # (3,)
    return g[0], g[1], g[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """torch.autograd.grad of the summed output, on a private copy of x."""
    copy = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        total = f(copy).sum()
    (g,) = torch.autograd.grad(total, copy)
    return g


def detach_grad(x: Tensor) -> Tensor:
    """torch.func.grad of Σ (x·x).detach()·x — the detached factor is a constant."""
    def z_sum(t: Tensor) -> Tensor:
        u = (t * t).detach()
        return (u * t).sum()

    return func_grad(z_sum)(x.detach().clone())


class Sigmoid(torch.autograd.Function):
    """σ(x) = exp(−softplus(−x)); F.softplus itself is allowed and never overflows."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        out = torch.exp(-F.softplus(-x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1.0 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """Perturb each index of x (itertools.product over the shape) both ways and restore it."""
    out = torch.empty_like(x)
    with torch.no_grad():
        for idx in itertools.product(*[range(s) for s in x.shape]):
            old = x[idx].item()
            x[idx] = old + eps
            hi = float(f(x))
            x[idx] = old - eps
            lo = float(f(x))
            x[idx] = old
            out[idx] = (hi - lo) / (2.0 * eps)
    return out


def _as_value(v: "Value | float") -> "Value":
    return v if isinstance(v, Value) else Value(v)


@dataclass(eq=False)
class Value:
    """A scalar node; each operation looks its rule up in the RULES table."""

    data: float
    grad: float = 0.0
    parents: tuple = field(default=(), repr=False)
    locals_: tuple = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self.data = float(self.data)
        self.grad = float(self.grad)

    @classmethod
    def _apply(cls, name: str, *inputs: "Value") -> "Value":
        forward, local = RULES[name]
        vals = [v.data for v in inputs]
        out = forward(*vals)
        return cls(out, 0.0, inputs, local(*vals, out))

    def __add__(self, other):
        return Value._apply("add", self, _as_value(other))

    def __radd__(self, other):
        return Value._apply("add", _as_value(other), self)

    def __mul__(self, other):
        return Value._apply("mul", self, _as_value(other))

    def __rmul__(self, other):
        return Value._apply("mul", _as_value(other), self)

    def __neg__(self):
        return Value._apply("neg", self)

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __rsub__(self, other):
        return _as_value(other) + (-self)

    def __pow__(self, k: float):
        d = self.data
        return Value(d ** k, 0.0, (self,), (k * d ** (k - 1),))

    def __truediv__(self, other):
        return self * (_as_value(other) ** -1)

    def __rtruediv__(self, other):
        return _as_value(other) * (self ** -1)

    def tanh(self):
        return Value._apply("tanh", self)

    def exp(self):
        return Value._apply("exp", self)

    def relu(self):
        return Value._apply("relu", self)

    def backward(self) -> None:
        """Kahn's algorithm: count the users of every node, release a node when all have reported."""
        users: dict[int, int] = {}
        nodes: dict[int, Value] = {id(self): self}
        stack = [self]
        while stack:
            node = stack.pop()
            for p in node.parents:
                users[id(p)] = users.get(id(p), 0) + 1
                if id(p) not in nodes:
                    nodes[id(p)] = p
                    stack.append(p)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            for p, local in zip(node.parents, node.locals_):
                p.grad += local * node.grad
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)
