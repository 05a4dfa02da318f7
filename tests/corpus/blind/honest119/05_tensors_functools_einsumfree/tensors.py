"""Tensors — with functools / operator for the bookkeeping, Chinese notes. 张量练习."""

from __future__ import annotations

import functools
import operator

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    # 原地写入: z 的存储不变
    z[:] = torch.add(x, y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    # 每行除以行和 (广播)
    return x / x.sum(dim=-1, keepdim=True)


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    # 广播: (n, 1, d) - (1, m, d)
    return ((a.unsqueeze(-2) - b.unsqueeze(-3)) ** 2).sum(-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return labels.reshape(-1, 1).eq(classes).float()


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    pred = y_hat if y_hat.dim() == 1 else y_hat.max(dim=1).indices
    return (pred == y).to(torch.float64).mean().item()


def flatten_batch(x: Tensor) -> Tensor:
    features = functools.reduce(operator.mul, x.shape[1:], 1)
    return x.view(x.shape[0], features)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    # 插值法: 用列均值填充缺失值
    isnan = x != x
    means = torch.nansum(x, dim=0) / (~isnan).sum(dim=0)
    return torch.where(isnan, means.unsqueeze(0), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    # (n, k, 1) * (1, k, m) 后对 k 求和
    return (a.unsqueeze(-1) * b.unsqueeze(0)).sum(dim=-2)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), x.mul(x).sum().sqrt()
