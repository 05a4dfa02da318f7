"""自动求导练习（第 3、4 讲）—— 闭包版 Value，外加一个只在直接运行时才执行的演示。"""

from __future__ import annotations

import math
from typing import Callable, List

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """手推：loss = mean((w·x − y)²) ⇒ dloss/dw = mean(2·x·(w·x − y))。"""
    n = x.shape[0]
    return (2.0 * x * (x * w - y)).sum() / n


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """y_hat = w1·x² + w2·x + b，r = y_hat − y，三个偏导都是 mean(2·r·∂y_hat/∂θ)。"""
    r = (w1 * x.pow(2) + w2 * x + b) - y
    d_w1 = torch.mean(2 * r * x.pow(2))
    d_w2 = torch.mean(2 * r * x)
    d_b = torch.mean(2 * r)
    return d_w1, d_w2, d_b


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """y 不是标量时先求和再 backward（“通常把 y 转换成一个标量再来求导”）。"""
    xc = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = f(xc)
        y.sum().backward()
    return xc.grad.detach()


def detach_grad(x: Tensor) -> Tensor:
    """分离计算：u 是常数，所以 ∂(u·x)/∂x = u。"""
    xc = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        u = (xc * xc).detach()
        z = u * xc
        z.sum().backward()
    return xc.grad


class Sigmoid(torch.autograd.Function):
    """正数用 1/(1+e^(−x))，负数用 e^x/(1+e^x)：指数的参数永远 ≤ 0。"""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        neg_abs = -x.abs()
        e = neg_abs.exp()
        num = torch.where(x < 0, e, torch.ones_like(e))
        out = num / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (out,) = ctx.saved_tensors
        return grad_output * (out - out * out)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """中心差分；x 是连续的，所以 reshape(-1) 就是 x 本身的视图。"""
    flat = x.reshape(-1)
    result = torch.zeros(flat.shape, dtype=x.dtype, device=x.device)
    with torch.no_grad():
        for i in range(flat.shape[0]):
            orig = flat[i].clone()
            flat[i] = orig + eps
            a = f(x)
            a = a.item() if isinstance(a, Tensor) else float(a)
            flat[i] = orig - eps
            b = f(x)
            b = b.item() if isinstance(b, Tensor) else float(b)
            flat[i] = orig
            result[i] = (a - b) / (2 * eps)
    return result.reshape(x.shape)


class Value:
    """标量节点：每个运算都挂一个闭包 _backward，把梯度传给它的输入。"""

    def __init__(self, data: float, _children: tuple = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._children = _children
        self._backward: Callable[[], None] = lambda: None

    @staticmethod
    def _wrap(v):
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other):
        other = Value._wrap(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._wrap(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __sub__(self, other):
        return self + (-Value._wrap(other))

    def __rsub__(self, other):
        return Value._wrap(other) + (-self)

    def __truediv__(self, other):
        return self * Value._wrap(other) ** -1

    def __rtruediv__(self, other):
        return Value._wrap(other) * self ** -1

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward():
            self.grad += (1.0 - t * t) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out

    def backward(self) -> None:
        """拓扑排序（显式栈，不递归，500 层也没问题），再反向调用各节点的闭包。"""
        topo: List[Value] = []
        visited = set()
        stack = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                topo.append(node)
                continue
            if node in visited:
                continue
            visited.add(node)
            stack.append((node, True))
            for child in node._children:
                if child not in visited:
                    stack.append((child, False))
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


if __name__ == "__main__":
    # 演示：用手推梯度做梯度下降，拟合 y = 2x（第 3 讲），并保存结果。
    xs = torch.tensor([1.0, 2.0, 3.0])
    ys = 2.0 * xs
    w = torch.tensor(1.0)
    for epoch in range(50):
        w = w - 0.05 * linear_grad(w, xs, ys)
        if epoch % 10 == 0:
            print(f"epoch {epoch}: w = {w.item():.4f}")
    torch.save({"w": w}, "autograd_demo_w.pt")
    a, b = Value(2.0), Value(-3.0)
    c = (a * b + a).tanh()
    c.backward()
    print("Value demo:", c, a.grad, b.grad)
