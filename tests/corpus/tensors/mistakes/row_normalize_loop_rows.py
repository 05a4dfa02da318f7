# mistake: a Python loop over rows (breaks: vectorised, no loop over rows)
# cause: row_normalize vectorised_public:failed
"""Tensors exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def add_into(z, x, y):
    z[...] = torch.add(x, y)
    return z


def row_normalize(x):
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[i] / x[i].sum()
    return out


def pairwise_sq_dists(a, b):
    aa = (a * a).sum(1, keepdim=True)
    bb = (b * b).sum(1).unsqueeze(0)
    return (aa - 2 * a @ b.T + bb).clamp_min(0)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = torch.arange(num_classes, device=labels.device)
    return (labels[:, None] == classes[None, :]).to(torch.float32)


def accuracy(y_hat, y):
    preds = y_hat.argmax(1).tolist() if len(y_hat.shape) == 2 else y_hat.tolist()
    hits = 0
    for p, t in zip(preds, y.tolist()):
        hits += int(p) == int(t)
    return float(hits) / len(preds)


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.shape[0], -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    means = torch.nanmean(x, dim=0, keepdim=True)
    return torch.where(torch.isnan(x), means.expand_as(x), x)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    products = torch.mul(a[:, :, None], b[None, :, :])
    return torch.sum(products, dim=1)


def norms(x):
    l1 = torch.sum(torch.abs(x))
    l2 = torch.sqrt(torch.sum(x * x))
    return l1, l2
