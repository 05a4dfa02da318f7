"""MLP — partial: the four element-wise functions; the modules and loops are still stubs."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """(x + |x|) / 2 — no activation routine needed."""
    return (x + x.abs()) * 0.5


def tanh(x: Tensor) -> Tensor:
    """tanh(x) = 2σ(2x) − 1 is inaccurate near 0, so use −expm1(−2|x|)/(1 + e^(−2|x|)) with the sign."""
    m = torch.exp(-2.0 * x.abs())
    return torch.sign(x) * (-torch.expm1(-2.0 * x.abs())) / (1.0 + m)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """relu(x + ½) − relu(x − ½)."""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Inverted dropout."""
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    scale = 1.0 / (1.0 - p)
    return x * (torch.rand_like(x) > p).to(x.dtype) * scale


def xavier_uniform_(tensor: Tensor) -> Tensor:
    raise NotImplementedError("xavier_uniform_: compute the fans, then tensor.uniform_(-a, a)")


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        raise NotImplementedError("LogisticRegression: one nn.Linear(in_features, 1)")


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        raise NotImplementedError("DiabetesNet: Linear(in, 6), Linear(6, 4), Linear(4, 1)")


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        raise NotImplementedError("MLP: Linear layers with the activation (and dropout) between them")


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    raise NotImplementedError("train_epoch: the four steps per batch, and a weighted mean of the losses")


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    raise NotImplementedError("evaluate: eval(), no_grad, count correct predictions over all batches")
