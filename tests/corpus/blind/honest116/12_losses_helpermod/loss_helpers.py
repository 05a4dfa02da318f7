"""Numerically safe building blocks (LogSumExp and friends) for losses.py."""
import torch
from torch import Tensor


def logsumexp(x: Tensor, dim: int) -> Tensor:
    """log Σ exp(x) along dim, keepdim, with the max shifted out (exp-normalize)."""
    m = torch.amax(x, dim=dim, keepdim=True).detach()
    return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))


def softplus(z: Tensor) -> Tensor:
    return torch.relu(z) + torch.log1p(torch.exp(-torch.abs(z)))


def reduce(t: Tensor, how: str) -> Tensor:
    return {"mean": torch.mean, "sum": torch.sum}.get(how, lambda v: v)(t)
