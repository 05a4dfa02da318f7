"""Normalisation layers: the reference solution (the pack's answers are recorded from it)."""

from __future__ import annotations

import torch
from torch import nn


def layer_norm(
    x: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
    dims: int = 1,
) -> torch.Tensor:
    axes = tuple(range(x.dim() - dims, x.dim()))
    centred = x - x.mean(dim=axes, keepdim=True)
    var = x.var(dim=axes, keepdim=True)
    out = centred / torch.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def rms_norm(x: torch.Tensor, weight: torch.Tensor | None = None, eps: float = 1e-6) -> torch.Tensor:
    out = x * torch.rsqrt((x * x).mean(dim=-1, keepdim=True) + eps)
    return out if weight is None else out * weight


def _channels(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """A (C,) tensor shaped to broadcast over x's dimension 1."""
    return t.reshape(1, -1, *([1] * (x.dim() - 2)))


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    axes = (0,) if x.dim() == 2 else (0, 2)
    if training:
        mean = x.mean(dim=axes)
        var = ((x - _channels(x, mean)) ** 2).mean(dim=axes)
        n = x.numel() // x.shape[1]
        with torch.no_grad():
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(momentum * mean)
            if running_var is not None:
                running_var.mul_(1 - momentum).add_(momentum * var * n / (n - 1))
    else:
        mean, var = running_mean, running_var
    out = (x - _channels(x, mean)) / torch.sqrt(_channels(x, var) + eps)
    if weight is not None:
        out = out * _channels(x, weight)
    return out if bias is None else out + _channels(x, bias)


class BatchNorm1d(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, self.training, self.momentum, self.eps
        )


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.weight, self.eps)
