"""MLPs — nn.Sequential from an OrderedDict, functools.reduce for fans, itertools for loaders."""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections import OrderedDict
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.maximum(x, torch.zeros((), dtype=x.dtype, device=x.device))


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1 with a stable σ written out (no exp of a positive number)
    z = 2 * x
    e = torch.exp(-z.abs())
    s = torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return 2 * s - 1


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    up = relu(x + 0.5)
    cap = relu(x - 0.5)
    return up - cap


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep_prob = 1.0 - p
    mask = torch.bernoulli(torch.full_like(x, keep_prob))
    return x * mask / keep_prob if keep_prob > 0 else x * mask


def xavier_uniform_(tensor: Tensor) -> Tensor:
    out_f, in_f, *kernel = tensor.shape
    k = functools.reduce(operator.mul, kernel, 1)
    a = math.sqrt(6.0 / ((in_f + out_f) * k))
    with torch.no_grad():
        return tensor.uniform_(-a, a)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.model = nn.Sequential(OrderedDict([("linear", nn.Linear(in_features, 1)), ("sigmoid", nn.Sigmoid())]))

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = [in_features, 6, 4, 1]
        parts = OrderedDict()
        for i, (a, b) in enumerate(itertools.pairwise(widths), start=1):
            parts[f"linear{i}"] = nn.Linear(a, b)
            parts[f"sigmoid{i}"] = nn.Sigmoid()
        self.body = nn.Sequential(parts)

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        make_act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
        parts = OrderedDict([("flatten", nn.Flatten())])
        pairs = list(itertools.pairwise(sizes))
        for i, (a, b) in enumerate(pairs):
            parts[f"fc{i}"] = nn.Linear(a, b)
            if i < len(pairs) - 1:
                parts[f"act{i}"] = make_act()
                if dropout > 0:
                    parts[f"drop{i}"] = nn.Dropout(p=dropout)
        self.seq = nn.Sequential(parts)

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    weighted = []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        loss.backward()
        optimizer.step()
        weighted.append((loss.item(), inputs.size(0)))
    return sum(l * n for l, n in weighted) / sum(n for _, n in weighted)


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device).reshape(-1)
            pred = (out.reshape(-1) > 0.5).to(labels.dtype) if out.shape[1] == 1 else out.argmax(1)
            correct += int(pred.eq(labels).sum())
            total += labels.numel()
    return correct / total
