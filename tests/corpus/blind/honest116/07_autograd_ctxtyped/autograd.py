"""Autograd answers, typed, with a once-differentiable custom Function."""

from __future__ import annotations

import math
from collections import deque
from typing import Callable, Union

import torch
from torch import Tensor
from torch.autograd.function import once_differentiable

Number = Union[int, float]


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    r: Tensor = torch.sub(torch.mul(w, x), y)
    return torch.mean(2.0 * x * r)


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r: Tensor = w1 * x * x + w2 * x + b - y
    two_r: Tensor = 2 * r
    dw1 = torch.mean(two_r * x * x)
    dw2 = torch.mean(two_r * x)
    db = torch.mean(two_r)
    return dw1, dw2, db


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    leaf: Tensor = x.detach().requires_grad_()
    out: Tensor = f(leaf)
    (g,) = torch.autograd.grad(out.sum(), leaf)
    return g


def detach_grad(x: Tensor) -> Tensor:
    xr: Tensor = x.detach().requires_grad_()
    u: Tensor = (xr * xr).detach()
    (g,) = torch.autograd.grad((u * xr).sum(), [xr])
    return g


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        pos = x >= 0
        z = torch.exp(torch.where(pos, -x, x))          # never exp of a positive number
        out = torch.where(pos, 1.0 / (1.0 + z), z / (1.0 + z))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * out * (1.0 - out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    flat: Tensor = x.view(-1)
    grads: list[float] = []
    for i in range(flat.numel()):
        keep = flat[i].clone()
        flat[i] = keep + eps
        plus = f(x)
        plus = plus.item() if isinstance(plus, Tensor) else float(plus)
        flat[i] = keep - eps
        minus = f(x)
        minus = minus.item() if isinstance(minus, Tensor) else float(minus)
        flat[i] = keep
        grads.append((plus - minus) / (2 * eps))
    return torch.tensor(grads, dtype=x.dtype, device=x.device).view_as(x)


class Value:
    """Scalar autodiff node; each op records its parents and a local backward closure."""

    def __init__(self, data: Number, _parents: tuple["Value", ...] = ()) -> None:
        self.data: float = float(data)
        self.grad: float = 0.0
        self._parents: tuple[Value, ...] = _parents
        self._back: Callable[[], None] = lambda: None

    @staticmethod
    def _wrap(v: "Value | Number") -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other: "Value | Number") -> "Value":
        o = Value._wrap(other)
        out = Value(self.data + o.data, (self, o))

        def back() -> None:
            self.grad += out.grad
            o.grad += out.grad
        out._back = back
        return out

    __radd__ = __add__

    def __mul__(self, other: "Value | Number") -> "Value":
        o = Value._wrap(other)
        out = Value(self.data * o.data, (self, o))

        def back() -> None:
            self.grad += o.data * out.grad
            o.grad += self.data * out.grad
        out._back = back
        return out

    __rmul__ = __mul__

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other: "Value | Number") -> "Value":
        return self + (-Value._wrap(other))

    def __rsub__(self, other: "Value | Number") -> "Value":
        return Value._wrap(other) + (-self)

    def __pow__(self, k: Number) -> "Value":
        out = Value(self.data ** k, (self,))

        def back() -> None:
            self.grad += k * (self.data ** (k - 1)) * out.grad
        out._back = back
        return out

    def __truediv__(self, other: "Value | Number") -> "Value":
        return self * Value._wrap(other) ** -1

    def __rtruediv__(self, other: "Value | Number") -> "Value":
        return Value._wrap(other) * self ** -1

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def back() -> None:
            self.grad += (1.0 - t ** 2) * out.grad
        out._back = back
        return out

    def exp(self) -> "Value":
        out = Value(math.exp(self.data), (self,))

        def back() -> None:
            self.grad += out.data * out.grad
        out._back = back
        return out

    def relu(self) -> "Value":
        out = Value(max(self.data, 0.0), (self,))

        def back() -> None:
            self.grad += out.grad if self.data > 0 else 0.0
        out._back = back
        return out

    def backward(self) -> None:
        # Kahn's algorithm: count how many consumers each node has, release it when all are done
        pending: dict[int, int] = {}
        seen = {id(self)}
        queue = deque([self])
        while queue:
            v = queue.popleft()
            for p in v._parents:
                pending[id(p)] = pending.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    queue.append(p)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            v = ready.popleft()
            v._back()
            for p in v._parents:
                pending[id(p)] -= 1
                if pending[id(p)] == 0:
                    ready.append(p)
