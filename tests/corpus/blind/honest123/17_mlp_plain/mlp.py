"""Multilayer perceptrons — a plain implementation; activations written by hand everywhere."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    e = torch.exp(-2.0 * torch.abs(x))
    return torch.sign(x) * ((1.0 - e) / (1.0 + e))


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return torch.where(mask, x / (1.0 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = 1
    for k in tensor.shape[2:]:
        receptive *= k
    fan_in = tensor.shape[1] * receptive
    fan_out = tensor.shape[0] * receptive
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


def sigmoid_t(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return sigmoid_t(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = sigmoid_t(self.linear1(x))
        x = sigmoid_t(self.linear2(x))
        return sigmoid_t(self.linear3(x))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ("relu", "tanh", "sigmoid"):
            raise ValueError(f"unknown activation {activation!r}")
        self.activation = activation
        self.p = dropout
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return relu(h)
        if self.activation == "tanh":
            return tanh(h)
        return sigmoid_t(h)

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(x.shape[0], -1) if x.dim() > 2 else x
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < last:
                h = self.act(h)
                if self.p > 0:
                    h = dropout(h, self.p, self.training)
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    weighted, seen = 0.0, 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        b = inputs.shape[0]
        weighted += loss.item() * b
        seen += b
    return weighted / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device)
            if out.shape[1] == 1:
                pred = (out.reshape(-1) > 0.5).to(torch.int64)
                truth = labels.reshape(-1).to(torch.int64)
            else:
                pred = out.argmax(dim=1)
                truth = labels
            right += (pred == truth).sum().item()
            total += truth.shape[0]
    return right / total
