"""MLP — layers registered with setattr(self, f"fc{i}", ...), activations looked up with getattr(F, name)."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0)


def tanh(x: Tensor) -> Tensor:
    a = torch.abs(x)
    e2 = torch.exp(-(a + a))
    return torch.copysign((1 - e2) / (1 + e2), x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    mask = torch.rand(x.shape, device=x.device, dtype=x.dtype if x.is_floating_point() else torch.float32) > p
    return torch.where(mask, x / (1 - p), torch.zeros_like(x))


def _fans(shape: torch.Size) -> tuple[int, int]:
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = _fans(tensor.shape)
    a = math.sqrt(6 / (fan_in + fan_out))
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
        for i, (a, b) in enumerate([(in_features, 6), (6, 4), (4, 1)], start=1):
            setattr(self, f"fc{i}", nn.Linear(a, b))

    def forward(self, x: Tensor) -> Tensor:
        for i in range(1, 4):
            x = torch.sigmoid(getattr(self, f"fc{i}")(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ("relu", "tanh", "sigmoid"):
            raise ValueError(activation)
        self.n_layers = len(sizes) - 1
        for i in range(self.n_layers):
            setattr(self, f"fc{i}", nn.Linear(sizes[i], sizes[i + 1]))
        self.activation = activation
        self.p = dropout

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(len(x), -1)
        act = getattr(torch, self.activation)
        for i in range(self.n_layers):
            h = getattr(self, f"fc{i}")(h)
            if i < self.n_layers - 1:
                h = act(h)
                if self.p > 0:
                    h = F.dropout(h, self.p, training=self.training)
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    weighted = []
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        pred = model(xb)
        loss = loss_fn(pred, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted.append((loss.item(), xb.size(0)))
    n = sum(size for _, size in weighted)
    return sum(l * size for l, size in weighted) / n


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    was = model.training
    model.eval()
    right, n = 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            scores = model(xb)
            if scores.shape[-1] == 1:
                right += ((scores.flatten() > 0.5).long() == yb.flatten().long()).sum().item()
            else:
                right += (scores.argmax(-1) == yb).sum().item()
            n += xb.shape[0]
    return right / n
