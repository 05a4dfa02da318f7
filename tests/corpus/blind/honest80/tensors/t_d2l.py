"""Tensors, written while reading d2l chapter 2 (数据操作 / 线性代数)."""
import torch


def add_into(z, x, y):
    # d2l 2.1.6: Z[:] = X + Y keeps the memory of Z
    z[:] = x + y
    return z


def row_normalize(x):
    # d2l 2.3: A / A.sum(axis=1, keepdims=True)
    sum_x = x.sum(axis=1, keepdims=True)
    return x / sum_x


def pairwise_sq_dists(a, b):
    diff = a.reshape(a.shape[0], 1, -1) - b.reshape(1, b.shape[0], -1)
    return (diff ** 2).sum(axis=2)


def one_hot(labels, num_classes):
    n = labels.shape[0]
    out = torch.zeros((n, num_classes), device=labels.device)
    out[range(n), labels] = 1
    return out


def accuracy(y_hat, y):
    """d2l 3.6.5."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum()) / len(y)


def flatten_batch(x):
    return x.reshape((-1, x.shape[1] * x.shape[2] * x.shape[3]))


def fill_nan_with_column_mean(x):
    # inputs = inputs.fillna(inputs.mean()) from d2l 2.2, in torch
    nan = torch.isnan(x)
    zeroed = x.masked_fill(nan, 0)
    counts = (~nan).sum(axis=0, keepdims=True)
    col_mean = zeroed.sum(axis=0, keepdims=True) / counts
    return torch.where(nan, col_mean, x)


def matmul(a, b):
    return (a.unsqueeze(2) * b.unsqueeze(0)).sum(axis=1)


def norms(x):
    l1 = torch.abs(x).sum()
    l2 = torch.sqrt((x ** 2).sum())
    return l1, l2
