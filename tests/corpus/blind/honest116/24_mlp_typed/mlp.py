"""MLP topic — typed, with a small dataclass that accumulates epoch statistics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Sequence, Tuple

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0)


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = (1 - e^{-2|x|}) / (1 + e^{-2|x|}) · sign(x); expm1 keeps tiny |x| exact
    z: Tensor = torch.exp(-2.0 * torch.abs(x))
    mag: Tensor = -torch.expm1(-2.0 * torch.abs(x)) / (1.0 + z)
    return torch.where(x < 0, -mag, mag)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    keep: Tensor = (torch.rand_like(x) > p).type_as(x)
    return keep * x * (1.0 / (1.0 - p))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    shape: Tuple[int, ...] = tuple(tensor.shape)
    rf: int = math.prod(shape[2:])
    fan_in: int = shape[1] * rf
    fan_out: int = shape[0] * rf
    a: float = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * 2 * a - a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear: nn.Linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        dims: List[int] = [in_features, 6, 4, 1]
        self.layers = nn.ModuleList([nn.Linear(i, o) for i, o in zip(dims, dims[1:])])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


_ACT: Dict[str, Callable[[], nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        mods: List[nn.Module] = [nn.Flatten()]
        n = len(sizes) - 1
        for i in range(n):
            mods.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i != n - 1:
                mods.append(_ACT[activation]())
                if dropout > 0:
                    mods.append(nn.Dropout(p=dropout))
        self.model = nn.Sequential(*mods)

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


@dataclass
class EpochStats:
    loss_sum: float = 0.0
    samples: int = 0
    batch_losses: List[float] = field(default_factory=list)

    def add(self, loss: float, n: int) -> None:
        self.loss_sum += loss * n
        self.samples += n
        self.batch_losses.append(loss)

    @property
    def mean(self) -> float:
        return self.loss_sum / max(self.samples, 1)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    stats = EpochStats()
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss: Tensor = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        stats.add(loss.item(), inputs.size(0))
    return stats.mean


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right: int = 0
    count: int = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            out: Tensor = model(inputs)
            if out.shape[1] == 1:
                preds = (out > 0.5).squeeze(1)
                right += int((preds.float() == labels.reshape(-1).float()).sum())
            else:
                right += int((out.argmax(dim=1) == labels).sum())
            count += labels.shape[0]
    return right / count
