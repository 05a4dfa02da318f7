"""损失函数：均方误差、交叉熵、KL 散度，用 LogSumExp 保证数值稳定。"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """均方误差：差的平方，再按 reduction 汇总。"""
    平方 = (y_hat - y) ** 2
    if reduction == "none":
        return 平方
    return 平方.sum() if reduction == "sum" else 平方.mean()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """平均绝对误差。"""
    绝对值 = (y_hat - y).abs()
    if reduction == "none":
        return 绝对值
    return 绝对值.sum() if reduction == "sum" else 绝对值.mean()


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Huber：|d| ≤ δ 时 0.5·d²，否则 δ·(|d| − 0.5·δ)（阈值之外用 L1）。"""
    d = y_hat - y
    小 = d.abs() <= delta
    二次 = 0.5 * torch.where(小, d, torch.zeros_like(d)) ** 2      # 阈值外置 0，平方不会溢出
    一次 = delta * (d.abs() - 0.5 * delta)
    return torch.where(小, 二次, 一次).mean()


def sigmoid(x: Tensor) -> Tensor:
    """x ≥ 0 用 1/(1+e^(−x))，x < 0 用 e^x/(1+e^x)，指数的参数永远 ≤ 0。"""
    指数 = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + 指数), 指数 / (1.0 + 指数))


def bce(p: Tensor, y: Tensor) -> Tensor:
    """逻辑斯蒂回归的 BCELoss；log 在 −100 处截断。"""
    return -(y * torch.log(p).clamp(min=-100) + (1 - y) * torch.log(1 - p).clamp(min=-100)).mean()


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """log σ(z) = logsigmoid(z)，log(1 − σ(z)) = logsigmoid(−z)。"""
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """先减去最大值再取指数（exp-normalize）。"""
    最大 = x.max(dim=dim, keepdim=True).values
    e = (x - 最大).exp()
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """(x − m) − log Σ exp(x − m)。"""
    最大 = x.max(dim=dim, keepdim=True).values
    移位 = x - 最大
    return 移位 - 移位.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """交叉熵：target 是 (n,) 的类别下标，或 (n, c) 的 one-hot / 概率。"""
    对数概率 = log_softmax(logits, dim=1)
    if target.shape == logits.shape:                   # np.array 式的 one-hot / 概率
        return -(target.to(对数概率.dtype) * 对数概率).sum(dim=1).mean()
    return -对数概率[torch.arange(len(target), device=target.device), target].mean()   # LongTensor 标签


def entropy(p: Tensor) -> Tensor:
    """熵 H(p) = −Σ p·log p，约定 0·log 0 = 0。"""
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """KL(p‖q) = Σ p·log(p/q)；p = 0 的项为 0，q = 0 < p 时为 +inf。"""
    有质量 = p > 0
    项 = torch.zeros_like(p)
    项 = torch.where(有质量, p * (torch.log(torch.where(有质量, p, 1.0)) - torch.log(torch.where(有质量, q, 1.0))), 项)
    return 项.sum(dim=-1)


if __name__ == "__main__":
    torch.manual_seed(0)
    y_pred = torch.tensor([[0.1, 0.2, 0.9], [1.1, 0.1, 0.2], [0.2, 2.1, 0.1]])
    y = torch.tensor([2, 0, 1])
    print("交叉熵:", cross_entropy(y_pred, y).item())
    print("大 logits 也稳定:", softmax(torch.tensor([1000.0, -1000.0, 0.0])))
    p = softmax(torch.randn(4, 5))
    print("熵:", entropy(p), "KL(p‖p):", kl_div(p, p))
