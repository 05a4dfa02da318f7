"""损失函数 —— 中文注释版，softmax 带尺寸开关（两种向量化公式）。"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor

Reduction = Literal["mean", "sum", "none"]

# softmax 的尺寸开关阈值：沿 dim 的长度不超过它时用“exp 再归一化”，否则用 exp(log_softmax)。
_SWITCH_WIDTH = 64


def _apply_reduction(v: Tensor, reduction: Reduction) -> Tensor:
    """三种归约方式。"""
    if reduction == "mean":
        return v.mean()
    if reduction == "sum":
        return v.sum()
    if reduction == "none":
        return v
    raise ValueError(reduction)


def mse(y_hat: Tensor, y: Tensor, reduction: Reduction = "mean") -> Tensor:
    """均方误差：差的平方再归约。"""
    return _apply_reduction(torch.pow(y_hat - y, 2), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: Reduction = "mean") -> Tensor:
    """平均绝对误差：|ŷ − y| 写成 sign(d)·d。"""
    d = y_hat - y
    return _apply_reduction(torch.sign(d) * d, reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Huber：阈值内用平方，阈值外用 L1；平方项只在被选中的位置计算，避免溢出。"""
    d = torch.abs(y_hat - y)
    inside = d <= delta
    d_in = torch.where(inside, d, torch.full_like(d, delta))
    loss = torch.where(inside, 0.5 * d_in * d_in, delta * (d - 0.5 * delta))
    return loss.mean()


def sigmoid(x: Tensor) -> Tensor:
    """σ(x) = e^(x − softplus(x))：log σ(x) = x − softplus(x)，指数参数 ≤ 0。

    负半轴直接用这个式子；正半轴用 1/(1 + e^(−x))，两边都不会溢出。
    """
    pos = x > 0
    e_neg = torch.exp(-torch.where(pos, x, torch.zeros_like(x)))       # x>0 时 e^(−x) ≤ 1
    left = torch.exp(torch.where(pos, torch.zeros_like(x), x) - F.softplus(torch.where(pos, torch.zeros_like(x), x)))
    return torch.where(pos, 1.0 / (1.0 + e_neg), left)


def bce(p: Tensor, y: Tensor) -> Tensor:
    """二分类交叉熵（BCELoss），log 截断在 −100。"""
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    log_p = torch.maximum(torch.log(p), floor)
    log_1mp = torch.maximum(torch.log(1.0 - p), floor)
    return torch.mean(-(y * log_p) - (1.0 - y) * log_1mp)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    """带 logits 的版本：softplus(z) − y·z 的对称写法，两项都保留（尾部也精确）。"""
    sp_pos = F.softplus(logits)
    sp_neg = F.softplus(-logits)
    return torch.mean(y * sp_neg + (1.0 - y) * sp_pos)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """LogSumExp：先减最大值再取指数。"""
    m = torch.max(x, dim=dim, keepdim=True).values.detach()
    z = x - m
    return z - z.exp().sum(dim=dim, keepdim=True).log()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """尺寸开关：沿 dim 的长度小就直接 exp 后归一化；长度大时走 exp(log_softmax)。"""
    if x.shape[dim] <= _SWITCH_WIDTH:
        z = torch.exp(x - torch.amax(x, dim=dim, keepdim=True).detach())
        return z / torch.sum(z, dim=dim, keepdim=True)
    return torch.exp(log_softmax(x, dim=dim))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """交叉熵：target 是 (n,) 的下标，或 (n, c) 的 one-hot/概率（按形状区分）。"""
    logp = log_softmax(logits, dim=1)
    if target.ndim == 2:
        return torch.sum(-target.to(logp.dtype) * logp) / logits.shape[0]
    one = torch.zeros_like(logp).scatter_(1, target.view(-1, 1), 1.0)   # 自己造的张量上原地写
    return torch.sum(-one * logp) / logits.shape[0]


def entropy(p: Tensor) -> Tensor:
    """熵：0·log 0 记为 0（把 0 换成 1 再取 log）。"""
    safe = torch.where(p > 0, p, torch.ones_like(p))
    return -(p * safe.log()).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    """KL 散度：p = 0 的项为 0；q = 0 < p 时为 +inf。"""
    terms = torch.special.xlogy(p, p) - torch.special.xlogy(p, q)
    return terms.sum(dim=-1)
