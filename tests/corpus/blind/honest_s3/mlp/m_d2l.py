# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""多层感知机 — d2l 风格 (从零开始实现 + 简洁实现)."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    # d2l: a = torch.zeros_like(X); return torch.max(X, a)
    a = torch.zeros_like(x)
    return torch.max(x, a)


def tanh(x: Tensor) -> Tensor:
    # 用 e^{-2|x|} 保证不溢出, 再乘上 x 的符号
    e = torch.exp(-2.0 * torch.abs(x))
    return torch.sign(x) * (1.0 - e) / (1.0 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    # 两个 ReLU 之差: 0 (x < -0.5), 1 (x > 0.5), 中间线性
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    # d2l 的 dropout_layer
    if not training:
        return x
    assert 0 <= p <= 1
    if p == 1:                       # 所有元素都被丢弃
        return torch.zeros_like(x)
    if p == 0:                       # 所有元素都被保留
        return x
    mask = (torch.rand(x.shape, device=x.device, dtype=x.dtype) > p).to(x.dtype)
    return mask * x / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    # fan_in = 输入通道 * 卷积核大小, fan_out = 输出通道 * 卷积核大小
    shape = tensor.shape
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    fan_in = shape[1] * receptive
    fan_out = shape[0] * receptive
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        layers = [nn.Flatten()]          # (n, 1, 8, 8) -> (n, 64); (n, d) 不变
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i != len(sizes) - 2:      # 隐藏层后面: 激活函数 (+ 暂退法)
                layers.append(acts[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    # 训练模式 (启用 dropout)
    model.train()
    metric = [0.0, 0]                # 损失总和, 样本数
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        y_hat = model(X)
        l = loss_fn(y_hat, y)
        optimizer.zero_grad()
        l.backward()
        optimizer.step()
        metric[0] += float(l.detach()) * X.shape[0]
        metric[1] += X.shape[0]
    return metric[0] / metric[1]


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()                     # 评估模式
    metric = [0, 0]                  # 正确预测数, 预测总数
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            y_hat = model(X)
            if y_hat.shape[1] > 1:
                pred = y_hat.argmax(axis=1)
                cmp = pred.type(y.dtype) == y
            else:
                pred = (y_hat.reshape(-1) > 0.5)
                cmp = pred.long() == y.reshape(-1).long()
            metric[0] += int(cmp.sum())
            metric[1] += cmp.numel()
    return metric[0] / metric[1]
