"""MLP in the PyTorch-tutorial style: nn.Sequential builders and a named activation table."""
from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

ACT = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


def relu(x: Tensor) -> Tensor:
    return torch.maximum(x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1 written stably: 2/(1 + e^(−2x)) − 1 for x ≥ 0, mirrored for x < 0
    a = x.abs()
    t = -torch.expm1(-2 * a) / (1 + torch.exp(-2 * a))
    return torch.copysign(t, x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep = 1.0 - p
    if keep == 0.0:
        return torch.zeros_like(x)
    mask = torch.bernoulli(torch.full_like(x, keep))
    return x * mask / keep


def _fans(t: Tensor) -> tuple[int, int]:
    receptive = math.prod(t.shape[2:]) if t.dim() > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = _fans(tensor)
    a = (6 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * 2 * a - a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = [in_features, 6, 4, 1]
        layers: list[nn.Module] = []
        for w_in, w_out in zip(widths, widths[1:]):
            layers += [nn.Linear(w_in, w_out), nn.Sigmoid()]
        self.stack = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.stack(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        blocks: list[nn.Module] = []
        for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
            blocks.append(nn.Linear(n_in, n_out))
            blocks.append(ACT[activation]())
            if dropout > 0:
                blocks.append(nn.Dropout(p=dropout))
        blocks.append(nn.Linear(sizes[-2], sizes[-1]))
        self.linear_stack = nn.Sequential(*blocks)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = self.flatten(x)
        return self.linear_stack(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    size = 0
    total = 0.0
    model.train()
    for X, y in loader:
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(X)
        size += len(X)
    return total / size


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct, size = 0.0, 0
    with torch.no_grad():
        for X, y in loader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            if pred.shape[1] == 1:
                correct += ((pred.squeeze(1) > 0.5).float() == y.reshape(-1).float()).sum().item()
            else:
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
            size += len(X)
    return correct / size
