"""MLP exercises with a dataclass config, typing and itertools."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from itertools import pairwise
from typing import Callable, Dict, Iterable, Sequence, Type

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, 0.0)


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2*sigma(2x) - 1 would lose precision near 0; use the exp(-2|x|) form instead
    z = torch.exp(-2 * torch.abs(x))
    return torch.sign(x) * ((1 - z) / (1 + z))


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1.0:
        return x * torch.zeros_like(x)
    keep = torch.empty_like(x).uniform_() > p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def _fans(shape: torch.Size) -> tuple[int, int]:
    receptive = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = _fans(tensor.shape)
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        return tensor.uniform_(-limit, limit)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = (in_features, 6, 4, 1)
        blocks: "OrderedDict[str, nn.Module]" = OrderedDict()
        for i, (a, b) in enumerate(pairwise(widths), start=1):
            blocks[f"linear{i}"] = nn.Linear(a, b)
            blocks[f"sigmoid{i}"] = nn.Sigmoid()
        self.body = nn.Sequential(blocks)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


ACTIVATIONS: Dict[str, Type[nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


@dataclass(frozen=True)
class MLPConfig:
    sizes: tuple[int, ...]
    activation: str = "relu"
    dropout: float = 0.0

    def layers(self) -> list[nn.Module]:
        out: list[nn.Module] = []
        last = len(self.sizes) - 2
        for i, (a, b) in enumerate(pairwise(self.sizes)):
            out.append(nn.Linear(a, b))
            if i != last:
                out.append(ACTIVATIONS[self.activation]())
                if self.dropout > 0:
                    out.append(nn.Dropout(self.dropout))
        return out


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.config = MLPConfig(tuple(sizes), activation, dropout)
        self.flatten = nn.Flatten()
        self.stack = nn.Sequential(*self.config.layers())

    def forward(self, x: Tensor) -> Tensor:
        return self.stack(self.flatten(x) if x.ndim > 2 else x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    losses: list[float] = []
    sizes: list[int] = []
    for batch in loader:
        x, y = (t.to(device) for t in batch)
        pred = model(x)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(len(y))
    return sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right, seen = 0, 0
    for x, y in loader:
        out = model(x.to(device))
        y = y.to(device)
        if out.size(1) == 1:
            guess = (out > 0.5).long().flatten()
            y = y.flatten().long()
        else:
            guess = out.argmax(1)
        right += (guess == y).sum().item()
        seen += y.size(0)
    return right / seen
