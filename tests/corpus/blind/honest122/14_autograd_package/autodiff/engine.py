"""Scalar reverse-mode autodiff with an explicit op table."""

from __future__ import annotations

import math


class Value:
    def __init__(self, data, inputs=(), grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.inputs = list(inputs)
        self.grads = list(grads)

    @classmethod
    def of(cls, v):
        return v if isinstance(v, cls) else cls(v)

    def __add__(self, o):
        o = Value.of(o)
        return Value(self.data + o.data, [self, o], [1.0, 1.0])

    def __mul__(self, o):
        o = Value.of(o)
        return Value(self.data * o.data, [self, o], [o.data, self.data])

    def __pow__(self, k):
        if k == 0:
            return Value(1.0, [self], [0.0])
        return Value(self.data ** k, [self], [k * self.data ** (k - 1)])

    def __neg__(self):
        return Value(-self.data, [self], [-1.0])

    def __sub__(self, o):
        o = Value.of(o)
        return Value(self.data - o.data, [self, o], [1.0, -1.0])

    def __truediv__(self, o):
        o = Value.of(o)
        return Value(self.data / o.data, [self, o], [1.0 / o.data, -self.data / o.data ** 2])

    def __radd__(self, o):
        return Value.of(o) + self

    def __rsub__(self, o):
        return Value.of(o) - self

    def __rmul__(self, o):
        return Value.of(o) * self

    def __rtruediv__(self, o):
        return Value.of(o) / self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, [self], [1.0 - t * t])

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e])

    def relu(self):
        if self.data > 0:
            return Value(self.data, [self], [1.0])
        return Value(0.0, [self], [0.0])

    def topo_order(self):
        order, seen, stack = [], set(), [(self, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            if i < len(node.inputs):
                stack.append((node, i + 1))
                child = node.inputs[i]
                if id(child) not in seen:
                    stack.append((child, 0))
            else:
                order.append(node)
        return order

    def backward(self):
        self.grad = 1.0
        for node in reversed(self.topo_order()):
            for inp, g in zip(node.inputs, node.grads):
                inp.grad += g * node.grad
