"""自动求导 —— 用中文注释写的版本（反向传播、链式法则、分离计算）。

导入时会建立一张“局部导数规则表”（类常量），Value 的一元运算都查这张表。
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """线性模型 y_hat = w·x 的 MSE 对 w 的导数（手推）：mean(2·x·(w·x − y))。"""
    残差 = w * x - y            # 先算残差，避免大 |x| 时的抵消误差
    return (2 * x * 残差).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """二次模型的三个偏导（第四讲作业），全部手推，不用 autograd。"""
    r = w1 * x ** 2 + w2 * x + b - y
    公共 = 2 * r
    return (公共 * x ** 2).mean(), (公共 * x).mean(), 公共.mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """非标量输出先求和变成标量再 backward；在 x 的副本上做，不动调用者的 x。"""
    副本 = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        f(副本).sum().backward()
    return 副本.grad


def detach_grad(x: Tensor) -> Tensor:
    """u = (x·x).detach() 是常数，所以 z = u·x 对 x 的梯度就是 u。"""
    副本 = x.detach().clone().requires_grad_()
    with torch.enable_grad():
        y = 副本 * 副本
        u = y.detach()
        z = u * 副本
        z.sum().backward()
    return 副本.grad


class Sigmoid(torch.autograd.Function):
    """自定义 Function：前向按公式（数值稳定），反向用保存的输出。"""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        # x ≥ 0 用 1/(1+e^{-x})；x < 0 用 e^{x}/(1+e^{x})：指数的参数永远 ≤ 0，不会溢出
        非负 = x >= 0
        安全指数 = torch.exp(torch.where(非负, -x, x))
        输出 = torch.where(非负, 1 / (1 + 安全指数), 安全指数 / (1 + 安全指数))
        ctx.save_for_backward(输出)
        return 输出

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """中心差分：逐个元素 ±ε 扰动，再恢复原值。"""
    梯度 = torch.zeros_like(x)
    平 = x.view(-1)
    平梯度 = 梯度.view(-1)
    with torch.no_grad():
        for i in range(平.numel()):
            原值 = 平[i].item()
            平[i] = 原值 + eps
            加 = float(f(x))
            平[i] = 原值 - eps
            减 = float(f(x))
            平[i] = 原值             # 恢复
            平梯度[i] = (加 - 减) / (2 * eps)
    return 梯度


@dataclass(eq=False)
class Value:
    """标量自动微分节点（micrograd 风格），用 dataclass 写。

    eq=False：节点按身份比较、可哈希，拓扑排序要用。
    """

    data: float
    grad: float = 0.0
    父节点: tuple = field(default=(), repr=False)
    局部导数: tuple = field(default=(), repr=False)

    # 类常量：一元运算的（值, 导数）规则表，类定义时建立
    规则: ClassVar[dict[str, Callable[[float], tuple[float, float]]]] = {
        "tanh": lambda a: (math.tanh(a), 1 - math.tanh(a) ** 2),
        "exp": lambda a: (math.exp(a), math.exp(a)),
        "relu": lambda a: (a if a > 0 else 0.0, 1.0 if a > 0 else 0.0),
    }

    def __post_init__(self) -> None:
        self.data = float(self.data)      # Value(2).data 是 2.0
        self.grad = float(self.grad)

    @classmethod
    def 包装(cls, o) -> "Value":
        return o if isinstance(o, Value) else cls(o)

    def __add__(self, o):
        o = Value.包装(o)
        return Value(self.data + o.data, 0.0, (self, o), (1.0, 1.0))

    def __radd__(self, o):
        return self.__add__(o)

    def __mul__(self, o):
        o = Value.包装(o)
        return Value(self.data * o.data, 0.0, (self, o), (o.data, self.data))

    def __rmul__(self, o):
        return self.__mul__(o)

    def __neg__(self):
        return Value(-self.data, 0.0, (self,), (-1.0,))

    def __sub__(self, o):
        return self + (-Value.包装(o))

    def __rsub__(self, o):
        return Value.包装(o) + (-self)

    def __pow__(self, k):
        return Value(self.data ** k, 0.0, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, o):
        return self * Value.包装(o) ** -1

    def __rtruediv__(self, o):
        return Value.包装(o) * self ** -1

    def 一元(self, 名字: str) -> "Value":
        值, 导数 = Value.规则[名字](self.data)
        return Value(值, 0.0, (self,), (导数,))

    def tanh(self):
        return self.一元("tanh")

    def exp(self):
        return self.一元("exp")

    def relu(self):
        return self.一元("relu")

    def backward(self) -> None:
        """非递归的拓扑排序（显式栈），500 层深的图也不会超过递归上限。"""
        拓扑: list[Value] = []
        见过: set[int] = set()
        栈: list[tuple[Value, bool]] = [(self, False)]
        while 栈:
            节点, 已展开 = 栈.pop()
            if 已展开:
                拓扑.append(节点)
                continue
            if id(节点) in 见过:
                continue
            见过.add(id(节点))
            栈.append((节点, True))
            for p in 节点.父节点:
                if id(p) not in 见过:
                    栈.append((p, False))
        self.grad = 1.0
        for 节点 in reversed(拓扑):
            for p, d in zip(节点.父节点, 节点.局部导数):
                p.grad += d * 节点.grad
