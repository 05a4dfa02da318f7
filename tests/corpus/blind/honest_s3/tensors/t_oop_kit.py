# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Tensors — OOP flavour, with a helper file _tensor_kit.py beside this one."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from _tensor_kit import Kit, check_2d


def add_into(z: Tensor, x: Tensor, y: Tensor) -> Tensor:
    z.copy_(x + y)
    return z


def row_normalize(x: Tensor) -> Tensor:
    check_2d(x)
    return x / Kit.col(x.sum(dim=1))


def pairwise_sq_dists(a: Tensor, b: Tensor) -> Tensor:
    check_2d(a, b)
    return Kit.sum_sq(Kit.outer_combine(a, b), dim=-1)


def one_hot(labels: Tensor, num_classes: int) -> Tensor:
    classes = Kit.row(torch.arange(num_classes, device=labels.device))
    return (Kit.col(labels) == classes).to(torch.float32)


def accuracy(y_hat: Tensor, y: Tensor) -> float:
    if y_hat.dim() == 2:
        y_hat = y_hat.max(dim=1).indices
    n_correct = int((y_hat == y).sum().item())
    return n_correct / y.numel()


def flatten_batch(x: Tensor) -> Tensor:
    return x.view(x.size(0), -1)


def fill_nan_with_column_mean(x: Tensor) -> Tensor:
    check_2d(x)
    out = x.clone()
    missing = out.isnan()
    known = (~missing).to(x.dtype)
    means = torch.nan_to_num(x, nan=0.0).sum(dim=0) / known.sum(dim=0)
    out[missing] = means.expand_as(x)[missing]
    return out


def matmul(a: Tensor, b: Tensor) -> Tensor:
    check_2d(a, b)
    # a (n, k) -> (n, 1, k); b.T (m, k) -> (1, m, k); multiply and sum over k
    return (a[:, None, :] * Kit.row(b.T.reshape(-1)).reshape(1, b.shape[1], b.shape[0])).sum(-1)


def norms(x: Tensor) -> tuple[Tensor, Tensor]:
    return x.abs().sum(), Kit.sum_sq(x).sqrt()
