"""自动求导练习：手推梯度、autograd、自定义 Function 和一个标量自动微分引擎。"""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """y_hat = w·x，loss = mean((w·x − y)²)，手推：dloss/dw = mean(2·x·(w·x − y))。"""
    残差 = w * x - y          # 先算残差，避免大数相减
    return (2 * x * 残差).sum() / x.numel()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """第 4 讲作业：y_hat = w1·x² + w2·x + b，链式法则经过 r = y_hat − y。"""
    r = w1 * x ** 2 + w2 * x + b - y
    n = x.numel()
    dw1 = (2 * r * x ** 2).sum() / n
    dw2 = (2 * r * x).sum() / n
    db = (2 * r).sum() / n
    return dw1, dw2, db


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """y 不是标量时先求和再 backward（通常把 y 转换成一个标量再来求导）。"""
    副本 = x.detach().clone()
    副本.requires_grad = True
    y = f(副本)
    y.sum().backward()
    return 副本.grad


def detach_grad(x: Tensor) -> Tensor:
    """分离计算：u = y.detach() 是常数，所以 dz/dx = u，而不是 3x²。"""
    副本 = x.detach().clone().requires_grad_(True)
    y = 副本 * 副本
    u = y.detach()
    z = u * 副本
    z.sum().backward()
    return 副本.grad


class Sigmoid(torch.autograd.Function):
    """σ(x) = 1/(1+e^(−x))；前向分正负两种写法，反向用保存的输出。"""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        负数部分 = torch.clamp(x, max=0)          # x < 0 时用 e^x/(1+e^x)
        正数部分 = torch.clamp(x, min=0)          # x ≥ 0 时用 1/(1+e^(−x))
        e_neg = torch.exp(负数部分)
        e_pos = torch.exp(-正数部分)
        out = torch.where(x < 0, e_neg / (1 + e_neg), 1 / (1 + e_pos))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """中心差分：逐个元素加减 ε，最后把 x 恢复原样。"""
    原值 = x.clone()
    平 = x.view(-1)
    梯度 = torch.zeros_like(平)
    for i in range(平.numel()):
        with torch.no_grad():
            平[i] += eps
        上 = float(f(x))
        with torch.no_grad():
            平[i] = 原值.view(-1)[i] - eps
        下 = float(f(x))
        with torch.no_grad():
            平[i] = 原值.view(-1)[i]
        梯度[i] = (上 - 下) / (2 * eps)
    return 梯度.view_as(x)


class Value:
    """标量节点：记住自己由谁算出来，反向传播时按拓扑序的逆序累加梯度。"""

    def __init__(self, data, 父节点=(), 局部导数=()):
        self.data = float(data)
        self.grad = 0.0
        self.父节点 = 父节点
        self.局部导数 = 局部导数

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __radd__(self, other):
        return self.__add__(other)

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __rmul__(self, other):
        return self.__mul__(other)

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __sub__(self, other):
        return self + (-other if isinstance(other, Value) else Value(-other))

    def __rsub__(self, other):
        return Value(other) + (-self)

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other ** -1

    def __rtruediv__(self, other):
        return Value(other) * self ** -1

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t ** 2,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def relu(self):
        return Value(max(0.0, self.data), (self,), (float(self.data > 0),))

    def backward(self):
        # 非递归的后序遍历（图可能有 500 层深，递归会超过 Python 的递归上限）
        拓扑序, 已访问 = [], set()
        栈 = [(self, False)]
        while 栈:
            节点, 处理完 = 栈.pop()
            if 处理完:
                拓扑序.append(节点)
                continue
            if id(节点) in 已访问:
                continue
            已访问.add(id(节点))
            栈.append((节点, True))
            for p in 节点.父节点:
                if id(p) not in 已访问:
                    栈.append((p, False))
        self.grad = 1.0
        for 节点 in reversed(拓扑序):
            for p, d in zip(节点.父节点, 节点.局部导数):
                p.grad += d * 节点.grad


if __name__ == "__main__":
    a, b = Value(2.0), Value(-3.0)
    c = a * b + a.tanh() / (1 - b)
    c.backward()
    print("c =", c.data, "dc/da =", a.grad, "dc/db =", b.grad)
    x = torch.linspace(-5, 5, 7, dtype=torch.float64, requires_grad=True)
    print(torch.autograd.gradcheck(Sigmoid.apply, (x,)))
