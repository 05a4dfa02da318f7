"""损失函数（Losses）：均方误差、L1、Huber、sigmoid、二分类交叉熵、softmax、交叉熵、熵与 KL 散度。

数值稳定的要点（LogSumExp 技巧）：先减去最大值再取指数，保证每个 exp ≤ 1。
"""

from __future__ import annotations

import torch
from torch import Tensor


def _归约(值: Tensor, 方式: str) -> Tensor:
    """reduction：'mean' 取平均、'sum' 求和、'none' 原样返回。"""
    if 方式 == "mean":
        return 值.mean()
    elif 方式 == "sum":
        return 值.sum()
    elif 方式 == "none":
        return 值
    raise ValueError(f"未知的 reduction：{方式}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """均方误差：(ŷ − y)² 再归约。"""
    return _归约((y_hat - y) ** 2, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """平均绝对误差：|ŷ − y| 再归约。"""
    return _归约((y_hat - y).abs(), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Huber：|d| ≤ δ 时 0.5·d²，否则 δ·(|d| − 0.5·δ)（阈值外只用 L1 那一段，d² 溢出也无妨）。"""
    绝对差 = (y_hat - y).abs()
    内 = 绝对差 <= delta
    二次 = 0.5 * torch.where(内, 绝对差, torch.zeros_like(绝对差)).pow(2)
    一次 = delta * (绝对差 - 0.5 * delta)
    return torch.where(内, 二次, 一次).mean()


def sigmoid(x: Tensor) -> Tensor:
    """σ(x)：x ≥ 0 用 1/(1+e^(−x))，x < 0 用等价形式 e^x/(1+e^x)；指数的自变量永远 ≤ 0。"""
    e = torch.exp(-x.abs())
    分子 = torch.where(x >= 0, torch.ones_like(e), e)
    return 分子 / (1 + e)


def bce(p: Tensor, y: Tensor) -> Tensor:
    """BCELoss（逻辑斯蒂回归）：每个 log 截断在 −100，和 F.binary_cross_entropy 一致。"""
    对数p = torch.log(p).clamp(min=-100.0)
    对数1减p = torch.log(1.0 - p).clamp(min=-100.0)
    return -(y * 对数p + (1.0 - y) * 对数1减p).mean()


def _softplus(z: Tensor) -> Tensor:
    # softplus(z) = max(z, 0) + log1p(e^(−|z|))；log1p 保住尾部的极小项
    return z.clamp(min=0) + torch.log1p(torch.exp(-z.abs()))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """log σ(z) = −softplus(−z)，log(1 − σ(z)) = −softplus(z)。"""
    return (y * _softplus(-logits) + (1 - y) * _softplus(logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp-normalize：减去沿 dim 的最大值后再取指数、归一化。"""
    最大 = x.amax(dim=dim, keepdim=True)
    指数 = (x - 最大).exp()
    return 指数 / 指数.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """(x − m) − log Σ exp(x − m)。"""
    平移 = x - x.amax(dim=dim, keepdim=True)
    return 平移 - 平移.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """按形状区分：(n,) 的类别下标（LongTensor），或 (n, c) 的独热/概率（np.array 那种）。"""
    对数概率 = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        return -(target.to(对数概率.dtype) * 对数概率).sum(dim=1).mean()
    return -对数概率.gather(1, target.unsqueeze(1)).mean()


def entropy(p: Tensor) -> Tensor:
    """H(p) = −Σ p·log p（最后一维），0·log 0 = 0。"""
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """KL(p‖q) = Σ p·log(p/q)；p = 0 的项为 0，q = 0 < p 时为 +inf。"""
    正 = p > 0
    项 = torch.where(正, torch.xlogy(p, p) - torch.xlogy(p, q), torch.zeros_like(p))
    return 项.sum(dim=-1)
