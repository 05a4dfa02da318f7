"""MLP — activations picked with getattr(torch, name), weights kept in nn.ModuleList, a size switch in dropout."""

from __future__ import annotations

import math
from functools import reduce
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x.clamp(min=0)


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1 with σ(2x) from e^{−2|x|}: (1 − e)/(1 + e) carries the sign
    e = (-2 * x.abs()).exp()
    return x.sign() * (1 - e) / (1 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    mask = torch.empty_like(x).uniform_(0, 1) > p
    return mask.to(x.dtype) * x * (1.0 / (1.0 - p))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = reduce(lambda a, b: a * b, tensor.shape[2:], 1)
    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive
    std = math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
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
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(i, o) for i, o in zip(sizes, sizes[1:])])
        self.activation = activation
        self.p = dropout

    def forward(self, x: Tensor) -> Tensor:
        h = torch.flatten(x, 1) if x.dim() > 2 else x
        act = getattr(torch, self.activation)
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < len(self.layers) - 1:
                h = act(h)
                if self.p > 0:
                    h = F.dropout(h, self.p, training=self.training)
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    weighted = []
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted.append((loss.item(), len(targets)))
    return sum(l * n for l, n in weighted) / sum(n for _, n in weighted)


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right = seen = 0
    for inputs, labels in loader:
        scores = model(inputs.to(device))
        labels = labels.to(device)
        if scores.shape[1] == 1:
            right += int(((scores.squeeze(1) > 0.5).float() == labels.reshape(-1).float()).sum())
        else:
            right += int((scores.argmax(1) == labels).sum())
        seen += len(labels)
    return right / seen
