"""Autograd — with torch.func for the autograd parts, and a demo under ``__main__``.

At import the module creates a seeded generator (used only by the demo) and a table of the
torch dtypes it accepts.
"""

from __future__ import annotations

from collections import deque
from typing import Callable, Union

import torch
import torch.func
from torch import Tensor

Number = Union[int, float]

DEMO_GENERATOR = torch.Generator().manual_seed(1234)
SUPPORTED = {torch.float32: "float32", torch.float64: "float64"}


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Hand-derived: mean(2·x·(w·x − y)) — no autograd."""
    n = x.shape[0]
    return (2.0 / n) * torch.sum(x * (w * x - y))


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    r = w1 * x * x + w2 * x + b - y
    features = torch.stack([x * x, x, torch.ones_like(x)])   # (3, n)
    grads = (2 * r * features).mean(dim=1)
    return grads[0], grads[1], grads[2]


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """torch.func.grad of the summed output, on a detached copy."""
    return torch.func.grad(lambda t: f(t).sum())(x.detach().clone())


def detach_grad(x: Tensor) -> Tensor:
    def z_sum(t: Tensor) -> Tensor:
        u = (t * t).detach()
        return (u * t).sum()
    return torch.func.grad(z_sum)(x.detach().clone())


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        neg = x < 0
        z = torch.exp(torch.where(neg, x, -x))        # e^{-|x|}
        out = torch.where(neg, z / (1 + z), 1 / (1 + z))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * (s - s * s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    out = torch.zeros_like(x)
    flat, gflat = x.view(-1), out.view(-1)
    for i in range(flat.numel()):
        with torch.no_grad():
            original = float(flat[i])
            flat[i] = original + eps
        f_plus = float(f(x))
        with torch.no_grad():
            flat[i] = original - eps
        f_minus = float(f(x))
        with torch.no_grad():
            flat[i] = original
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return out


class Value:
    """Reverse-mode scalar; backward uses Kahn's algorithm (a queue) instead of recursion."""

    __slots__ = ("data", "grad", "prev", "grads_local")

    def __init__(self, data: Number, prev: tuple = (), grads_local: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.prev = prev
        self.grads_local = grads_local

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __radd__(self, o):
        return self + o

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    def __rmul__(self, o):
        return self * o

    def __neg__(self):
        return self * -1

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __pow__(self, k: Number):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return self * o ** -1

    def __rtruediv__(self, o):
        return Value(o) * self ** -1

    def tanh(self):
        e2 = torch.tensor(self.data, dtype=torch.float64).tanh().item()
        return Value(e2, (self,), (1 - e2 * e2,))

    def exp(self):
        e = torch.tensor(self.data, dtype=torch.float64).exp().item()
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(self.data if self.data > 0 else 0.0, (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self) -> None:
        # count, for every node reachable from self, how many edges point into it
        users: dict[int, int] = {id(self): 0}
        nodes: dict[int, Value] = {id(self): self}
        todo = [self]
        while todo:
            node = todo.pop()
            for p in node.prev:
                if id(p) not in users:
                    users[id(p)] = 0
                    nodes[id(p)] = p
                    todo.append(p)
                users[id(p)] += 1
        self.grad = 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            for p, d in zip(node.prev, node.grads_local):
                p.grad += d * node.grad
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)


if __name__ == "__main__":
    # demo: fit y = 2x with the hand gradient, then check it against autograd
    xs = torch.randn(32, generator=DEMO_GENERATOR, dtype=torch.float64)
    ys = 2 * xs
    w = torch.tensor(0.0, dtype=torch.float64)
    for step in range(100):
        w = w - 0.1 * linear_grad(w, xs, ys)
    print("w after training:", float(w))
    wt = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    ((wt * xs - ys) ** 2).mean().backward()
    print("hand vs autograd:", float(linear_grad(wt.detach(), xs, ys)), float(wt.grad))
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + a.tanh()).relu() + (a / b).exp()
    c.backward()
    print(c, a.grad, b.grad)
    torch.save({"w": w}, "autograd_demo.pt")
