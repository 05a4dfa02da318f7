"""The Value node of scalar_engine."""

from __future__ import annotations

import math
from typing import Tuple, Union

from .ops import accumulate, topological_order

Number = Union[int, float]


class Value:
    def __init__(self, data: Number, parents: Tuple["Value", ...] = (), local: Tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.local = local

    @classmethod
    def wrap(cls, other: Union["Value", Number]) -> "Value":
        return other if isinstance(other, Value) else cls(other)

    def _unary(self, data: float, d: float) -> "Value":
        return Value(data, (self,), (d,))

    def __add__(self, other):
        other = Value.wrap(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = Value.wrap(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: Number):
        return self._unary(self.data ** k, k * self.data ** (k - 1))

    def __neg__(self):
        return self._unary(-self.data, -1.0)

    def __sub__(self, other):
        return self + (-Value.wrap(other))

    def __truediv__(self, other):
        return self * Value.wrap(other) ** -1

    def __radd__(self, other):
        return Value.wrap(other) + self

    def __rmul__(self, other):
        return Value.wrap(other) * self

    def __rsub__(self, other):
        return Value.wrap(other) - self

    def __rtruediv__(self, other):
        return Value.wrap(other) / self

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t)

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e)

    def relu(self):
        return self._unary(self.data if self.data > 0 else 0.0, 1.0 if self.data > 0 else 0.0)

    def backward(self) -> None:
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            accumulate(zip(node.parents, node.local), node.grad)

    def __repr__(self) -> str:
        return f"Value({self.data!r}, grad={self.grad!r})"
