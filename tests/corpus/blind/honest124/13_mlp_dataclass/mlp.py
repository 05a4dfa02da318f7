"""MLP — dataclasses, an activation registry built at import, functools.partial."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    a = torch.exp(-2.0 * x.abs())
    return torch.sign(x) * -torch.expm1(-2.0 * x.abs()) / (1.0 + a)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.empty_like(x).bernoulli_(1 - p)
    return x * mask / (1 - p)


def _fans(shape: torch.Size) -> tuple[int, int]:
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = _fans(tensor.shape)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(x).sigmoid()


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.fcs = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x: Tensor) -> Tensor:
        for fc in self.fcs:
            x = torch.sigmoid(fc(x))
        return x


# Registry of activation-module factories, filled at import.
ACTIVATIONS: Dict[str, Callable[[], nn.Module]] = {
    "relu": functools.partial(nn.ReLU),
    "tanh": functools.partial(nn.Tanh),
    "sigmoid": functools.partial(nn.Sigmoid),
}


@dataclass(frozen=True)
class MLPConfig:
    sizes: tuple[int, ...]
    activation: str = "relu"
    dropout: float = 0.0

    @property
    def hidden(self) -> tuple[tuple[int, int], ...]:
        return tuple(zip(self.sizes[:-1], self.sizes[1:]))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        cfg = MLPConfig(tuple(sizes), activation, dropout)
        blocks: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(cfg.hidden):
            blocks.append(nn.Linear(n_in, n_out))
            if i + 1 < len(cfg.hidden):
                blocks.append(ACTIVATIONS[cfg.activation]())
                if cfg.dropout > 0:
                    blocks.append(nn.Dropout(cfg.dropout))
        self.body = nn.Sequential(*blocks)
        self.config = cfg

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = torch.flatten(x, 1)
        return self.body(x)


@dataclass
class _Meter:
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
    model.train()
    meter = _Meter()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        meter.add(float(loss.detach()), len(xb))
    return meter.mean


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    meter = _Meter()
    for xb, yb in loader:
        scores = model(xb.to(device))
        yb = yb.to(device)
        if scores.shape[1] == 1:
            right = ((scores > 0.5).reshape(-1).long() == yb.reshape(-1).long())
        else:
            right = scores.argmax(1) == yb
        meter.total += int(right.sum())
        meter.count += right.numel()
    return meter.mean
