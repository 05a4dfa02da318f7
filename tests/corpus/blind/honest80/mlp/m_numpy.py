"""MLP — numpy-minded: masks and np.newaxis, a manual parameter store, a training helper object."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import torch
from torch import Tensor, nn

HALF = 0.5


def relu(x: Tensor) -> Tensor:
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    a = torch.abs(x)
    e2 = torch.exp(-2.0 * a)
    mag = -torch.expm1(-2.0 * a) / (1.0 + e2)
    return torch.sign(x) * mag


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + HALF) - relu(x - HALF)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    u = torch.rand_like(x)
    keep = u >= p if p < 1 else torch.zeros_like(u, dtype=torch.bool)
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    return torch.where(keep, x * scale, torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    shape = tuple(tensor.shape)
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    limit = float(np.sqrt(6.0 / (fan_in + fan_out)))
    with torch.no_grad():
        tensor.uniform_(-limit, limit)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return 1 / (1 + torch.exp(-self.fc(x)))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in ((in_features, 6), (6, 4), (4, 1))])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        self.activation = activation
        self.p = dropout

    def _act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return torch.relu(h)
        if self.activation == "tanh":
            return torch.tanh(h)
        return torch.sigmoid(h)

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(len(x), -1)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            h = h @ layer.weight.T + layer.bias[np.newaxis, :]
            if i < last:
                h = self._act(h)
                h = dropout(h, self.p, self.training) if self.p > 0 else h
        return h


@dataclass
class RunningMean:
    total: float = 0.0
    count: int = 0

    def update(self, value: float, n: int) -> None:
        self.total += value * n
        self.count += n

    @property
    def value(self) -> float:
        return self.total / self.count


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    meter = RunningMean()
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        meter.update(loss.item(), xb.shape[0])
    return meter.value


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits, seen = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            out = model(xb.to(device))
            yb = yb.to(device)
            if out.shape[-1] == 1:
                pred = out.reshape(-1) > 0.5
                hits += int((pred.long() == yb.reshape(-1).long()).sum())
            else:
                hits += int((out.argmax(-1) == yb).sum())
            seen += len(yb)
    return hits / seen
