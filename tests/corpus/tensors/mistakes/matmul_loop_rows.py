# mistake: a Python loop over the rows of a (breaks: vectorised)
# cause: matmul vectorised_public:failed
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z, x, y):
    z[...] = torch.add(x, y)
    return z


def row_normalize(x):
    totals = x.sum(1)
    return x / totals.unsqueeze(1)


def pairwise_sq_dists(a, b):
    cross = torch.einsum("id,jd->ij", a, b)
    sq = a.pow(2).sum(-1)[:, None] + b.pow(2).sum(-1)[None, :] - 2 * cross
    return torch.clamp(sq, min=0.0)


def one_hot(labels, num_classes):
    out = labels.new_zeros((len(labels), num_classes), dtype=torch.float32)
    return out.scatter_(1, labels.unsqueeze(1), 1.0)


def accuracy(y_hat, y):
    if y_hat.ndim > 1:
        y_hat = torch.argmax(y_hat, dim=1)
    correct = (y_hat.to(y.dtype) == y).sum().item()
    return correct / len(y)


def flatten_batch(x):
    n, c, h, w = x.shape
    return x.reshape(n, c * h * w)


def fill_nan_with_column_mean(x):
    out = x.clone()
    for j in range(x.shape[1]):
        col = x[:, j]
        missing = torch.isnan(col)
        out[missing, j] = col[~missing].mean()
    return out


def matmul(a, b):
    return torch.stack([(row[:, None] * b).sum(0) for row in a])


def norms(x):
    l1 = torch.sum(torch.abs(x))
    l2 = torch.sqrt(torch.sum(x * x))
    return l1, l2
