"""张量（Tensors）练习：数据操作、广播、降维、线性代数。

本文件的写法偏"数值稳健"：范数先按最大绝对值缩放再平方，避免上溢/下溢；
全零输入提前返回，但保持 dtype、device 与计算图。
"""

from __future__ import annotations

from typing import Tuple

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # Z[:] = X + Y：原地写入，z 的存储地址不变（节省内存）
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    # 按行求和并保持维度 (n, 1)，靠广播除到每一行
    行和 = x.sum(dim=1, keepdim=True)
    return x / 行和


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    # (n, 1, d) - (1, m, d) → (n, m, d)，平方后在最后一维求和
    差 = a.unsqueeze(-2) - b.unsqueeze(-3)
    return (差 * 差).sum(dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    # 独热编码：用单位矩阵的行来索引
    单位阵 = torch.eye(num_classes, dtype=torch.float32, device=labels.device)
    return 单位阵[labels]


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    # 二维时取每行最大值的下标（并列时 argmax 返回第一个）
    if y_hat.dim() == 2:
        预测 = y_hat.argmax(dim=1)
    else:
        预测 = y_hat
    return (预测 == y).sum().item() / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    # 保留批量维，其余合并；x.view(-1, 784) 的通用版
    return x.view(x.size(0), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    # 插值法：每列非 NaN 数的均值填进该列的 NaN；不修改 x 本身
    缺失 = torch.isnan(x)
    计数 = (~缺失).sum(dim=0).to(x.dtype)
    总和 = torch.where(缺失, torch.zeros_like(x), x).sum(dim=0)
    均值 = 总和 / 计数
    return torch.where(缺失, 均值.unsqueeze(0), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # (n, k, 1) * (1, k, m) 后沿 k 求和
    return (a.unsqueeze(-1) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> Tuple[Tensor, Tensor]:
    # L1：绝对值之和；L2：先除以最大绝对值再平方求和，最后乘回来（防止上溢）
    绝对值 = x.abs()
    l1 = 绝对值.sum()
    尺度 = 绝对值.max() if x.numel() > 0 else 绝对值.sum()
    if not bool(尺度 > 0):
        # 全零（或空）张量：提前返回 0，但用 x 本身算出来，保留 dtype/device/计算图
        return l1, (x * x).sum().sqrt()
    l2 = 尺度 * ((x / 尺度) ** 2).sum().sqrt()
    return l1, l2
