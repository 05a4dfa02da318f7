"""MLP exercises: activations, dropout, Xavier init, small models and the training loop."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    e = torch.exp(-2.0 * x.abs())
    t = (1.0 - e) / (1.0 + e)
    return torch.where(x < 0, -t, t)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    out_f, in_f = tensor.shape[0], tensor.shape[1]
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    fan_in, fan_out = in_f * receptive, out_f * receptive
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
        layers = []
        pairs = list(zip(sizes[:-1], sizes[1:]))
        for i, (a, b) in enumerate(pairs):
            layers.append(nn.Linear(a, b))
            if i < len(pairs) - 1:
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
    total_loss, total_n = 0.0, 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        n = inputs.shape[0]
        total_loss += loss.item() * n
        total_n += n
    return total_loss / total_n


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            out = model(inputs)
            if out.shape[1] == 1:
                pred = (out.view(-1) > 0.5).to(labels.dtype)
                labels = labels.view(-1)
            else:
                pred = out.argmax(dim=1)
            correct += (pred == labels).sum().item()
            total += labels.numel()
    return correct / total
