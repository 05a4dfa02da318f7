# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Multilayer perceptrons — OOP: an activation registry, my own module wrappers, a Trainer-ish helper."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return (x + x.abs()) / 2


def sigmoid(x: Tensor) -> Tensor:
    """My own stable logistic function (shadows nothing of torch's by name in use here)."""
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1, with my stable σ: nothing overflows at ±1000
    return 2 * sigmoid(2 * x) - 1


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep = 1.0 - p
    if keep <= 0:
        return x * 0
    return x * (torch.rand_like(x) > p).to(x.dtype) * (1.0 / keep)


def _fans(shape: torch.Size) -> tuple[int, int]:
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = _fans(tensor.shape)
    a = (6 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        return tensor.uniform_(-a, a)


class Activation(nn.Module):
    """Wraps one of my activation functions as a module."""

    def __init__(self, fn: Callable[[Tensor], Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: Tensor) -> Tensor:
        return self.fn(x)


class Dropout(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)


REGISTRY: dict[str, Callable[[Tensor], Tensor]] = {"relu": relu, "tanh": tanh, "sigmoid": sigmoid}


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return sigmoid(self.fc(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = (in_features, 6, 4, 1)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths, widths[1:]))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in REGISTRY:
            raise ValueError(activation)
        blocks: list[nn.Module] = []
        pairs = list(zip(sizes[:-1], sizes[1:]))
        for n_in, n_out in pairs[:-1]:
            blocks += [nn.Linear(n_in, n_out), Activation(REGISTRY[activation])]
            if dropout > 0:
                blocks.append(Dropout(dropout))
        blocks.append(nn.Linear(*pairs[-1]))
        self.net = nn.Sequential(*blocks)
        self.in_features = sizes[0]

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x.reshape(-1, self.in_features) if x.dim() > 2 else x)


@dataclass
class _Tally:
    total: float = 0.0
    count: int = 0

    def add(self, value: float, n: int) -> None:
        self.total += value * n
        self.count += n

    @property
    def mean(self) -> float:
        return self.total / self.count


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    tally = _Tally()
    model.train()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        tally.add(float(loss.detach()), len(xb))
    return tally.mean


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right, seen = 0, 0
    for xb, yb in loader:
        out, yb = model(xb.to(device)), yb.to(device)
        if out.shape[-1] == 1:
            pred = (out.flatten() > 0.5).to(torch.int64)
            yb = yb.flatten().to(torch.int64)
        else:
            pred = out.argmax(-1)
        right += int((pred == yb).sum())
        seen += yb.numel()
    return right / seen
