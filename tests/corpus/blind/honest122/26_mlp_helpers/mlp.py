"""MLP exercises; activations and loops come from helper modules beside this file."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

import activations
import training


def relu(x: Tensor) -> Tensor:
    return activations.relu(x)


def tanh(x: Tensor) -> Tensor:
    return activations.tanh(x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return activations.relu(x + 0.5) - activations.relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep = 1.0 - p
    if keep == 0.0:
        return x * 0                                   # zeros, still attached to x
    mask = torch.bernoulli(torch.full_like(x, keep))
    return x * mask / keep


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = math.prod(tensor.shape[2:])
    fan_in = tensor.size(1) * receptive
    fan_out = tensor.size(0) * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * (2 * bound) - bound)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return activations.sigmoid(self.fc(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:]))
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1) if x.dim() > 2 else x
        for layer in self.linears[:-1]:
            h = self.drop(self.act(layer(h)))
        return self.linears[-1](h)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    return training.run_epoch(model, loader, loss_fn, optimizer, device)


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    return training.accuracy_over(model, loader, device)
