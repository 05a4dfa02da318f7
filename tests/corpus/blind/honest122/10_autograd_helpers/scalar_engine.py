"""A scalar autodiff engine, kept in its own module and imported by autograd.py."""

from __future__ import annotations

import math
from collections import deque
from typing import Iterable


def _as_value(v):
    return v if isinstance(v, Value) else Value(v)


class Value:
    __slots__ = ("data", "grad", "parents", "partials")

    def __init__(self, data, parents: Iterable["Value"] = (), partials: Iterable[float] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.partials = tuple(partials)

    # binary operations -------------------------------------------------------
    def __add__(self, other):
        other = _as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    __radd__ = __add__

    def __sub__(self, other):
        other = _as_value(other)
        return Value(self.data - other.data, (self, other), (1.0, -1.0))

    def __rsub__(self, other):
        return _as_value(other) - self

    def __mul__(self, other):
        other = _as_value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _as_value(other)
        q = self.data / other.data
        return Value(q, (self, other), (1.0 / other.data, -q / other.data))

    def __rtruediv__(self, other):
        return _as_value(other) / self

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    # unary functions -----------------------------------------------------------
    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        positive = self.data > 0
        return Value(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    # backward: Kahn's algorithm on the reversed graph ----------------------------------
    def backward(self) -> None:
        users = {}
        seen = {id(self)}
        todo = [self]
        while todo:
            node = todo.pop()
            for p in node.parents:
                users[id(p)] = users.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    todo.append(p)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            for p, d in zip(node.parents, node.partials):
                p.grad += d * node.grad
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)

    def __repr__(self) -> str:
        return f"Value({self.data!r}, grad={self.grad!r})"
