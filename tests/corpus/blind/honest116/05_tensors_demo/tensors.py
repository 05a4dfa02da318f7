# 张量 练习 — my own solutions, with a little demo at the bottom.
from __future__ import annotations

import torch
from torch import Tensor


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    before = id(z)
    z[:] = x + y           # 节省内存: write into the old storage
    assert id(z) == before
    return z


def row_normalize(x: Tensor) -> Tensor:
    row_sum = x.sum(1).reshape(-1, 1)
    return x / row_sum


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    a2 = a.pow(2).sum(1).unsqueeze(1)
    b2 = b.pow(2).sum(1).unsqueeze(0)
    ab = (a.unsqueeze(1) * b.unsqueeze(0)).sum(2)
    return torch.clamp(a2 - 2 * ab + b2, min=0.0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    n = labels.numel()
    result = labels.new_zeros((n, num_classes), dtype=torch.float32)
    result.scatter_(dim=1, index=labels.view(-1, 1), value=1.0)
    return result


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.ndim == 2:
        y_hat = y_hat.max(dim=1).indices
    return torch.eq(y_hat, y).sum().item() / y.shape[0]


def flatten_batch(x: Tensor) -> Tensor:
    batch = x.size(0)
    return x.view(batch, -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    y = x.clone()
    nan = torch.isnan(y)
    y[nan] = 0
    mean = y.sum(0) / (~nan).sum(0).to(y.dtype)
    y = y + nan.to(y.dtype) * mean
    return y


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(dim=1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    l1 = torch.sum(torch.abs(x))
    l2 = torch.sqrt(torch.sum(x ** 2))
    return l1, l2


if __name__ == "__main__":
    X = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    Y = torch.ones(3, 4)
    Z = torch.zeros_like(X)
    print("id before", id(Z), "after", id(add_into(Z, X, Y)))
    print(row_normalize(X + 1))
    print(one_hot(torch.tensor([0, 2, 1]), 3))
    print(accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])))
    print(norms(torch.tensor([3.0, -4.0])))
    print(matmul(X, X.T))
