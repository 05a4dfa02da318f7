"""Multilayer perceptrons — reference solution. The specification is the docstrings in exercises/mlp.py."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """max(x, 0)."""
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    """2 sigma(2x) - 1."""
    return 2 * torch.sigmoid(2 * x) - 1


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """relu(x + 0.5) − relu(x − 0.5)."""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Keep with probability 1 − p, scale by 1/(1 − p)."""
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """U(−a, a), a = √(6 / (fan_in + fan_out))."""
    receptive = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class LogisticRegression(nn.Module):
    """sigmoid(linear(x))."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    """in → 6 → 4 → 1, sigmoid after each layer."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(in_features, 6), nn.Sigmoid(), nn.Linear(6, 4), nn.Sigmoid(),
                                    nn.Linear(4, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)


ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


class MLP(nn.Module):
    """Linear layers with activation (and dropout) after each hidden one."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x.flatten(1))


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """Forward, loss, zero_grad + backward, step; sample-weighted mean loss."""
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    return total / count


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Thresholded probabilities or argmaxed scores against the labels."""
    model.eval()
    correct, count = 0, 0
    for inputs, labels in loader:
        outputs, labels = model(inputs.to(device)), labels.to(device)
        if outputs.shape[1] == 1:
            predicted = (outputs[:, 0] > 0.5).long()
            labels = labels.reshape(-1).long()
        else:
            predicted = outputs.argmax(dim=1)
        correct += int((predicted == labels).sum())
        count += len(labels)
    return correct / count
