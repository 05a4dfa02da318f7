"""MLPs — activations from a helper module (act_fns); ModuleList model; dataclass bookkeeping."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

import act_fns


def relu(x: Tensor) -> Tensor:
    return act_fns.relu(x)


def tanh(x: Tensor) -> Tensor:
    return act_fns.tanh(x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return act_fns.relu(x + 0.5) - act_fns.relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training or p == 0:
        return x
    keep = torch.rand(x.shape, dtype=x.dtype, device=x.device) > p
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    return torch.where(keep, x * scale, x * 0.0)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = math.prod(tensor.shape[2:])
    fan_in = tensor.size(1) * receptive
    fan_out = tensor.size(0) * receptive
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return act_fns.sigmoid(self.fc(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class _Act(nn.Module):
    def __init__(self, fn: Callable[[Tensor], Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: Tensor) -> Tensor:
        return self.fn(x)


class _Dropout(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)


class MLP(nn.Module):
    ACTS = {"relu": act_fns.relu, "tanh": act_fns.tanh, "sigmoid": act_fns.sigmoid}

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        fn = self.ACTS[activation]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.hidden = nn.ModuleList()
        for _ in range(len(sizes) - 2):
            extras = [_Act(fn)] + ([_Dropout(dropout)] if dropout > 0 else [])
            self.hidden.append(nn.Sequential(*extras))

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1) if x.dim() > 2 else x
        for i, linear in enumerate(self.linears):
            h = linear(h)
            if i < len(self.hidden):
                h = self.hidden[i](h)
        return h


@dataclass
class RunningMean:
    total: float = 0.0
    count: int = 0

    def add(self, value: float, weight: int) -> None:
        self.total += value * weight
        self.count += weight

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
        meter.add(loss.item(), len(xb))
    return meter.value


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    meter = RunningMean()
    for xb, yb in loader:
        scores = model(xb.to(device))
        yb = yb.to(device)
        if scores.shape[-1] == 1:
            hits = ((scores.squeeze(-1) > 0.5) == (yb.reshape(-1) > 0.5)).float()
        else:
            hits = (scores.argmax(-1) == yb).float()
        meter.total += hits.sum().item()   # exact counts, no mean·n rounding
        meter.count += hits.numel()
    return meter.value
