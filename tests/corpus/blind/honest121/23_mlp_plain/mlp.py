"""Multilayer perceptrons — a plain solution."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0)


def tanh(x: Tensor) -> Tensor:
    e = torch.exp(-2.0 * torch.abs(x))
    return torch.sign(x) * (1.0 - e) / (1.0 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return x * 0.0                 # all dropped; still a function of x
    mask = (torch.rand_like(x) > p).to(x.dtype)
    return mask * x / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_out, fan_in = tensor.shape[0], tensor.shape[1]
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    a = math.sqrt(6.0 / (fan_in * receptive + fan_out * receptive))
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
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        if activation not in acts:
            raise ValueError(activation)
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(acts[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.reshape(x.shape[0], -1)
        return self.net(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    loss_sum, n = 0.0, 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        b = inputs.shape[0]
        loss_sum += loss.item() * b
        n += b
    return loss_sum / n


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    right, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device)
            if out.shape[1] == 1:
                pred = (out > 0.5).long().view(-1)
                labels = labels.view(-1).long()
            else:
                pred = out.argmax(dim=1)
            right += (pred == labels).sum().item()
            total += labels.shape[0]
    return right / total
