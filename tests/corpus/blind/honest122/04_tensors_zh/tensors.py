"""张量练习：数据操作、广播、降维与线性代数（自己写的答案）。"""

from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    """Z[:] = X + Y：结果写回 z 原来的内存，节省内存。"""
    z[:] = x + y
    return z


def row_normalize(x: Tensor) -> Tensor:
    """每一行除以该行之和（keepdim 保持 (n, 1) 以便广播）。"""
    return x / torch.sum(x, dim=1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    """两两平方欧氏距离，(n,1,d) 与 (1,m,d) 广播后在最后一维求和。"""
    差 = a.reshape(a.shape[0], 1, -1) - b.reshape(1, b.shape[0], -1)
    return torch.sum(差 ** 2, dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    """独热编码：先全零，再在每行标签处写 1。"""
    结果 = torch.zeros((len(labels), num_classes), dtype=torch.float32, device=labels.device)
    结果[torch.arange(len(labels), device=labels.device), labels] = 1.0
    return 结果


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    """分类精度：二维时取每行最大值的下标。"""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.to(y.dtype) == y
    return float(cmp.sum()) / len(y)


def flatten_batch(x: Tensor) -> Tensor:
    """保留批量维，把 C、H、W 合并（相当于 x.view(-1, 784)）。"""
    return x.view(x.size(0), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    """插值法处理缺失值：NaN 用该列非缺失数的均值代替，x 本身不变。"""
    缺失 = torch.isnan(x)
    非缺失个数 = (~缺失).sum(dim=0)
    列和 = torch.nan_to_num(x, nan=0.0, posinf=float("inf"), neginf=float("-inf")).sum(dim=0)
    列均值 = 列和 / 非缺失个数
    return torch.where(缺失, 列均值, x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """矩阵乘法：(n,k,1)·(1,k,m) 广播相乘，再在 k 上求和。"""
    return torch.sum(a[:, :, None] * b[None, :, :], dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    """L1 范数：绝对值之和；L2 范数：平方和开根号。"""
    return torch.abs(x).sum(), torch.sqrt(torch.sum(x ** 2))


if __name__ == "__main__":
    X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    Y = torch.ones(3, 4)
    Z = torch.zeros_like(Y)
    before = id(Z)
    add_into(Z, X, Y)
    print("id(Z) 不变:", id(Z) == before)
    print(row_normalize(X + 1))
    print(one_hot(torch.tensor([0, 2, 1]), 3))
    print(norms(torch.tensor([3.0, -4.0])))
