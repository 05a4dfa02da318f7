"""Autograd — PyTorch "autograd mechanics" tutorial habits, helpers reused across exercises."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

mean = torch.mean


def _mse_grad_terms(residual: Tensor, *features: Tensor) -> tuple[Tensor, ...]:
    """mean(2·r·f) for each feature f: the shared core of both hand-derived gradients."""
    return tuple(mean(2 * residual * f) for f in features)


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    (g,) = _mse_grad_terms(w * x - y, x)
    return g


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    x2 = x.pow(2)
    r = w1 * x2 + w2 * x + b - y
    return _mse_grad_terms(r, x2, x, torch.ones_like(x))


def _fresh_leaf(x: Tensor) -> Tensor:
    return x.detach().clone().requires_grad_(True)


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf = _fresh_leaf(x)
    y = f(leaf)
    y = y.sum() if y.dim() > 0 else y
    y.backward()
    return leaf.grad


def detach_grad(x: Tensor) -> Tensor:
    leaf = _fresh_leaf(x)
    u = leaf.mul(leaf).detach()
    u.mul(leaf).sum().backward()
    return leaf.grad.detach()


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        t = torch.exp(-torch.abs(x))
        s = torch.reciprocal(1 + t)
        out = torch.where(x >= 0, s, t * s)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat = x.view(-1)

    def at(i: int, value: float) -> float:
        flat[i] = value
        return float(f(x))

    out = []
    for i in range(flat.numel()):
        v = flat[i].item()
        plus, minus = at(i, v + eps), at(i, v - eps)
        flat[i] = v
        out.append((plus - minus) / (2 * eps))
    return torch.tensor(out, dtype=x.dtype, device=x.device).view(x.shape)


class Value:
    """Every op records (parent, local derivative) pairs."""

    def __init__(self, data: float, _edges: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._edges = _edges

    @classmethod
    def _of(cls, v) -> "Value":
        return v if isinstance(v, cls) else cls(v)

    def __add__(self, other):
        other = Value._of(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = Value._of(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

    def __pow__(self, k):
        return Value(self.data ** k, ((self, k * self.data ** (k - 1)),))

    def __neg__(self):
        return Value(-self.data, ((self, -1.0),))

    def __sub__(self, other):
        return self + -Value._of(other)

    def __truediv__(self, other):
        return self * Value._of(other) ** -1

    def __radd__(self, other):
        return Value._of(other) + self

    def __rsub__(self, other):
        return Value._of(other) - self

    def __rmul__(self, other):
        return Value._of(other) * self

    def __rtruediv__(self, other):
        return Value._of(other) / self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, ((self, 1 - t ** 2),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, ((self, e),))

    def relu(self):
        return Value(max(0.0, self.data), ((self, float(self.data > 0)),))

    def _topo(self) -> list:
        order, state, stack = [], {}, [self]
        while stack:
            node = stack[-1]
            if state.get(id(node)) is None:
                state[id(node)] = "open"
                stack.extend(p for p, _ in node._edges if id(p) not in state)
            else:
                stack.pop()
                if state[id(node)] == "open":
                    state[id(node)] = "done"
                    order.append(node)
        return order

    def backward(self) -> None:
        self.grad = 1.0
        for node in reversed(self._topo()):
            for parent, local in node._edges:
                parent.grad += local * node.grad

