# mistake: thresholds probabilities at 0 (breaks: predict 1 where > 0.5)
# cause: evaluate evaluate:failed
"""MLP exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x):
    return torch.maximum(x, x.new_zeros(()))


def tanh(x):
    t = torch.expm1(-2 * x.abs())
    return -torch.sign(x) * t / (t + 2)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x, p, training=True):
    if not training:
        return x
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    keep = torch.rand(x.shape, device=x.device, dtype=x.dtype) >= p
    return torch.where(keep, x * scale, torch.zeros_like(x))


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
    def __init__(self, in_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features=8):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.body(x)


class MLP(nn.Module):
    def __init__(self, sizes, activation="relu", dropout=0.0):
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:])])
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.p = dropout

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for linear in self.linears[:-1]:
            x = self.act(linear(x))
            if self.p > 0:
                x = F.dropout(x, self.p, training=self.training)
        return self.linears[-1](x)


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * inputs.shape[0]
        count += inputs.shape[0]
    return total / count


def evaluate(model, loader, device):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            out = model(x)
            if out.shape[1] == 1:
                correct += ((out > 0).float().view(-1) == y.view(-1).float()).sum().item()
            else:
                correct += (out.argmax(1) == y).sum().item()
            total += len(y)
    return correct / total
