# correct: evaluate collecting every prediction, train_epoch summing detached tensors (held back: written before the suites' edge inputs)
"""MLPs, written from the docstrings."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    e = torch.exp(-2 * x.abs())
    return torch.sign(x) * (1 - e) / (1 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    fan_in = tensor.shape[1] * receptive
    fan_out = tensor.shape[0] * receptive
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.l1 = nn.Linear(in_features, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.sigmoid(self.l1(x))
        x = torch.sigmoid(self.l2(x))
        return torch.sigmoid(self.l3(x))


_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                layers.append(_ACTIVATIONS[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.flatten(1)
        return self.net(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    sums, sizes = [], []
    for batch in loader:
        inputs, targets = (t.to(device) for t in batch)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        sums.append(loss.detach() * len(inputs))
        sizes.append(len(inputs))
    return float(torch.stack(sums).sum()) / sum(sizes)


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits = []
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device).reshape(len(out))
            pred = out.squeeze(1) > 0.5 if out.shape[1] == 1 else out.argmax(1)
            hits.append(pred.to(labels.dtype) == labels)
    return torch.cat(hits).float().mean().item()
