"""Multilayer perceptrons — thin layer over the helper package ``mlpkit``."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

import mlpkit


def relu(x: Tensor) -> Tensor:
    return mlpkit.rectify(x)


def tanh(x: Tensor) -> Tensor:
    return mlpkit.smooth_tanh(x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return mlpkit.hard_sigmoid(x)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    mask = (torch.rand_like(x) > p).to(x.dtype)
    return x * mask * scale


def xavier_uniform_(tensor: Tensor) -> Tensor:
    dims = tensor.shape
    rf = math.prod(dims[2:]) if len(dims) > 2 else 1
    a = math.sqrt(6.0 / (dims[0] * rf + dims[1] * rf))
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * (2 * a) - a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)
        self.act = mlpkit.activation_module("sigmoid")

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.fc(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.l1 = nn.Linear(in_features, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        for layer in (self.l1, self.l2, self.l3):
            x = mlpkit.logistic(layer(x))
        return x


class DropoutLayer(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        n = len(sizes) - 1
        for i in range(n):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < n - 1:
                layers.append(mlpkit.activation_module(activation))
                if dropout > 0:
                    layers.append(DropoutLayer(dropout))
        self.seq = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(torch.flatten(x, 1))


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    return mlpkit.run_epoch(model, loader, loss_fn, optimizer, device)


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    good = seen = 0
    with torch.no_grad():
        for xb, yb in loader:
            g, s = mlpkit.accuracy_counts(model(xb.to(device)), yb.to(device))
            good += g
            seen += s
    return good / seen
