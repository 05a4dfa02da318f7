"""MLP — plain answers: torch.where/maximum activations, Xavier via torch.nn.init's fan helper spelled out."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.maximum(x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    z = torch.exp(-2 * x.abs())
    t = (1 - z) / (1 + z)
    return torch.where(x >= 0, t, -t)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) > p
    return x * keep / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    num_in = tensor.size(1)
    num_out = tensor.size(0)
    receptive_field = 1
    if tensor.dim() > 2:
        receptive_field = tensor[0][0].numel()
    fan_in, fan_out = num_in * receptive_field, num_out * receptive_field
    a = math.sqrt(6.0 / float(fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)
        self.act = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.model = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation == "relu":
            act: Callable[[], nn.Module] = nn.ReLU
        elif activation == "tanh":
            act = nn.Tanh
        elif activation == "sigmoid":
            act = nn.Sigmoid
        else:
            raise ValueError(activation)
        mods: list[nn.Module] = [nn.Flatten()]
        for i in range(len(sizes) - 1):
            mods.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                mods.append(act())
                if dropout > 0:
                    mods.append(nn.Dropout(dropout))
        self.seq = nn.Sequential(*mods)

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    total_loss = 0.0
    n = 0
    for x, y in loader:
        x = x.to(device)
        y = y.to(device)
        y_pred = model(x)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += float(loss) * x.shape[0]
        n += x.shape[0]
    return total_loss / n


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            out = model(x)
            if out.shape[-1] == 1:
                predicted = (out > 0.5).to(y.dtype).reshape(y.shape)
            else:
                _, predicted = torch.max(out.data, dim=1)
            total += y.size(0)
            correct += (predicted == y).sum().item()
    return correct / total
