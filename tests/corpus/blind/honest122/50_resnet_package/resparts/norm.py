"""Batch normalisation over every axis except the channel axis (1)."""

from __future__ import annotations

import torch
from torch import Tensor


def _broadcast(v: Tensor, ndim: int) -> Tensor:
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def functional_batch_norm(x: Tensor, gamma: Tensor, beta: Tensor, running_mean: Tensor, running_var: Tensor,
                          training: bool, momentum: float, eps: float) -> Tensor:
    axes = tuple(i for i in range(x.ndim) if i != 1)
    if training:
        mu = x.mean(axes)
        d = x - _broadcast(mu, x.ndim)
        var = d.square().mean(axes)
        n = x.numel() // x.shape[1]
        with torch.no_grad():
            running_mean.mul_(1.0 - momentum).add_(momentum * mu)
            running_var.mul_(1.0 - momentum).add_(momentum * var * n / (n - 1))
    else:
        mu, var = running_mean, running_var
        d = x - _broadcast(mu, x.ndim)
    inv_std = (var + eps).rsqrt()
    return d * _broadcast(gamma * inv_std, x.ndim) + _broadcast(beta, x.ndim)
