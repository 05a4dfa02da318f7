"""MLP exercises, careful edition: special cases keep dtype, device and the autograd graph."""

from __future__ import annotations

import math
from functools import reduce
from operator import mul
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    a = x.abs()
    e = torch.exp(-2 * a)
    mag = -torch.expm1(-2 * a) / (1 + e)        # tanh|x|, accurate near 0 too
    return torch.where(x < 0, -mag, mag)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    upper = relu(x + 0.5)
    lower = relu(x - 0.5)
    return upper - lower


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training or p == 0:
        return x
    if p == 1:
        return x * 0.0                      # all dropped, graph kept (gradient zero)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep * (1.0 / (1.0 - p))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    if tensor.dim() < 2:
        raise ValueError("Xavier initialisation needs at least 2 dimensions")
    rf = reduce(mul, tensor.shape[2:], 1)
    a = math.sqrt(6.0 / ((tensor.shape[0] + tensor.shape[1]) * rf))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.weight_layer = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        z = self.weight_layer(x)
        e = torch.exp(-z.abs())
        return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.l1 = nn.Linear(in_features, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.l3(torch.sigmoid(self.l2(torch.sigmoid(self.l1(x))))))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ("relu", "tanh", "sigmoid"):
            raise ValueError(activation)
        self.hidden = nn.ModuleList()
        for a, b in zip(sizes[:-2], sizes[1:-1]):
            self.hidden.append(nn.Linear(a, b))
        self.out = nn.Linear(sizes[-2], sizes[-1])
        self.activation = activation
        self.p = dropout

    def _act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return torch.relu(h)
        if self.activation == "tanh":
            return torch.tanh(h)
        return torch.sigmoid(h)

    def forward(self, x: Tensor) -> Tensor:
        h = torch.flatten(x, 1) if x.dim() > 2 else x
        for layer in self.hidden:
            h = self._act(layer(h))
            if self.p > 0 and self.training:
                h = dropout(h, self.p, True)
        return self.out(h)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    parts: list[float] = []
    seen = 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device, non_blocking=True), targets.to(device, non_blocking=True)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        bs = int(inputs.shape[0])
        parts.append(float(loss.detach()) * bs)
        seen += bs
    running = math.fsum(parts)
    return running / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = torch.zeros((), dtype=torch.int64)
    total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            scores = model(inputs.to(device))
            labels = labels.to(device)
            if scores.shape[-1] == 1:
                hit = (scores.reshape(-1) > 0.5) == (labels.reshape(-1) > 0.5)
            else:
                hit = scores.argmax(dim=1) == labels
            correct += hit.sum().cpu()
            total += hit.numel()
    return correct.item() / total
