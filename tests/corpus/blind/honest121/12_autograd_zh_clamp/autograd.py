"""自动求导（Autograd）练习：手推梯度、反向传播、分离计算、自定义 Function、数值梯度、标量自动微分。

注释用中文；写法上用 clamp 把指数的自变量限制在不溢出的一侧。
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Tuple

import torch
from torch import Tensor


def linear_grad(w: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """线性模型 y_hat = w·x 的 MSE 对 w 的导数（第 3 讲手推）：mean(2·x·(w·x − y))。"""
    残差 = w * x - y          # 先算残差，避免展开式在 w·x ≈ y 时相消
    return (2 * x * 残差).mean()


def quadratic_grads(w1: Tensor, w2: Tensor, b: Tensor, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """第 4 讲作业：y_hat = w1·x² + w2·x + b，链式法则穿过 r = y_hat − y。"""
    r = w1 * x * x + w2 * x + b - y
    return (2 * r * x * x).mean(), (2 * r * x).mean(), (2 * r).mean()


def grad_of_vector_fn(f: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """非标量输出先求和成标量再 backward（"通常把y转换成一个标量再来求导"）。"""
    副本 = x.detach().clone().requires_grad_(True)   # 在副本上求导，调用者的 x 与 .grad 不受影响
    y = f(副本)
    梯度, = torch.autograd.grad(y.sum(), [副本], allow_unused=True)
    if 梯度 is None:
        梯度 = torch.zeros_like(副本)
    return 梯度


def detach_grad(x: Tensor) -> Tensor:
    """u = (x·x).detach() 当作常数，z = u·x ⇒ dz/dx = u。"""
    副本 = x.detach().clone().requires_grad_(True)
    y = 副本 * 副本
    u = y.detach()
    z = u * 副本
    z.sum().backward()
    return 副本.grad


class Sigmoid(torch.autograd.Function):
    """σ(x)：正半轴用 1/(1+e^(−x))，负半轴用 e^x/(1+e^x)；clamp 保证指数只看到 ≤ 0 的数。"""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        正 = 1.0 / (1.0 + torch.exp(-torch.clamp(x, min=0)))
        e = torch.exp(torch.clamp(x, max=0))
        负 = e / (1.0 + e)
        输出 = torch.where(x >= 0, 正, 负)
        ctx.save_for_backward(输出)      # 保存的是输出，不是输入
        return 输出

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        输出, = ctx.saved_tensors
        return grad_output * 输出 * (1.0 - 输出)


def numerical_grad(f: Callable[[Tensor], Tensor | float], x: Tensor, eps: float = 1e-6) -> Tensor:
    """中心差分：每次只扰动一个元素（在拷贝上扰动，x 本身始终不变）。"""
    结果 = torch.empty_like(x)
    平 = 结果.view(-1)
    for i in range(x.numel()):
        加 = x.clone()
        加.view(-1)[i] += eps
        减 = x.clone()
        减.view(-1)[i] -= eps
        平[i] = (float(f(加)) - float(f(减))) / (2 * eps)
    return 结果


# 标量自动微分：每种运算的局部导数写在一张表里
_局部导数: Dict[str, Callable[..., Tuple[float, ...]]] = {
    "+": lambda a, b, out: (1.0, 1.0),
    "*": lambda a, b, out: (b, a),
    "tanh": lambda a, out: (1.0 - out * out,),
    "exp": lambda a, out: (out,),
    "relu": lambda a, out: (1.0 if a > 0 else 0.0,),
}


class Value:
    """标量节点：.data、.grad 都是 Python float；backward 按逆拓扑序传播，重复使用的节点累加梯度。"""

    def __init__(self, data: float, _父: Tuple["Value", ...] = (), _导: Tuple[float, ...] = ()) -> None:
        self.data = float(data)
        self.grad = 0.0
        self._父 = _父
        self._导 = _导

    @staticmethod
    def _包(v) -> "Value":
        return v if isinstance(v, Value) else Value(v)

    def _二元(self, other, op: str, 值: float) -> "Value":
        other = Value._包(other)
        导 = _局部导数[op](self.data, other.data, 值)
        return Value(值, (self, other), 导)

    def __add__(self, other):
        other = Value._包(other)
        return self._二元(other, "+", self.data + other.data)

    def __mul__(self, other):
        other = Value._包(other)
        return self._二元(other, "*", self.data * other.data)

    def __pow__(self, k):
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1),))

    def __neg__(self):
        return self * (-1.0)

    def __sub__(self, other):
        return self + (-Value._包(other))

    def __truediv__(self, other):
        return self * (Value._包(other) ** -1)

    def __radd__(self, other):
        return Value._包(other) + self

    def __rmul__(self, other):
        return Value._包(other) * self

    def __rsub__(self, other):
        return Value._包(other) - self

    def __rtruediv__(self, other):
        return Value._包(other) / self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), _局部导数["tanh"](self.data, t))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), _局部导数["exp"](self.data, e))

    def relu(self):
        r = self.data if self.data > 0 else 0.0
        return Value(r, (self,), _局部导数["relu"](self.data, r))

    def backward(self) -> None:
        # 非递归的拓扑排序（图可能有 500 层深，递归会超过 Python 的递归上限）
        拓扑: List[Value] = []
        已访问 = set()
        栈: List[Tuple[Value, int]] = [(self, 0)]
        while 栈:
            节点, 下标 = 栈.pop()
            if 下标 == 0:
                if id(节点) in 已访问:
                    continue
                已访问.add(id(节点))
            if 下标 < len(节点._父):
                栈.append((节点, 下标 + 1))
                子 = 节点._父[下标]
                if id(子) not in 已访问:
                    栈.append((子, 0))
            else:
                拓扑.append(节点)
        self.grad = 1.0
        for 节点 in reversed(拓扑):
            for 父, 导 in zip(节点._父, 节点._导):
                父.grad += 导 * 节点.grad
