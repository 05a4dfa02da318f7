from __future__ import annotations

import math


class Value:
    def __init__(self, data, children=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads     # d(self)/d(child) for each child

    @staticmethod
    def lift(v):
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other):
        other = Value.lift(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = Value.lift(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def relu(self):
        return Value(max(0.0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return -self + other

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * Value.lift(other) ** -1

    def __rtruediv__(self, other):
        return Value.lift(other) * self ** -1

    def __repr__(self):
        return f"Value({self.data:.4g}, grad={self.grad:.4g})"

    def backward(self):
        order = []
        visited = set()
        stack = [iter([self])]
        path = []
        while stack:
            for node in stack[-1]:
                if node in visited:
                    continue
                visited.add(node)
                path.append(node)
                stack.append(iter(node._children))
                break
            else:
                stack.pop()
                if path:
                    order.append(path.pop())
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad
