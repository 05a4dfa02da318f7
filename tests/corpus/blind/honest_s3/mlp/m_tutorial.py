# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Multilayer perceptrons — written like the PyTorch tutorials (explicit layers, explicit loops)."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    # keep x where it is positive, 0 elsewhere
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    # tanh(|x|) = −expm1(−2|x|) / (1 + e^(−2|x|)); the exponent is never positive
    a = x.abs()
    t = -torch.expm1(-2 * a) / (1 + torch.exp(-2 * a))
    return torch.sign(x) * t


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) > p
    return x * mask / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_out, fan_in = tensor.shape[0], tensor.shape[1]
    for k in tensor.shape[2:]:          # kernel dims multiply both fans
        fan_in *= k
        fan_out *= k
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super(DiabetesNet, self).__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 1)])
        if activation == "relu":
            self.act = nn.ReLU()
        elif activation == "tanh":
            self.act = nn.Tanh()
        elif activation == "sigmoid":
            self.act = nn.Sigmoid()
        else:
            raise ValueError(f"unknown activation {activation}")
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        x = x.reshape(x.shape[0], -1)
        for i, layer in enumerate(self.linears):
            x = layer(x)
            if i < len(self.linears) - 1:          # hidden layers only
                x = self.drop(self.act(x))
        return x


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    running_loss = 0.0
    seen = 0
    for batch_idx, (inputs, targets) in enumerate(loader):
        inputs = inputs.to(device)
        targets = targets.to(device)
        # forward
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        # backward + update
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
        seen += inputs.size(0)
    return running_loss / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            outputs = model(inputs)
            if outputs.size(1) == 1:
                predicted = (outputs > 0.5).long().view(-1)
                labels = labels.view(-1).long()
            else:
                _, predicted = torch.max(outputs.data, dim=1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total
