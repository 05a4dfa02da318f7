# mistake: model.zero_grad() instead of optimizer.zero_grad() (breaks: optimizer.zero_grad(), loss.backward(), optimizer.step())
# cause: train_epoch train_epoch_zeroes_through_the_optimizer:values
"""MLP exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def _stable_sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    return 2 * _stable_sigmoid(2 * x) - 1


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
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
    def __init__(self, in_features):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


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
        model.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * inputs.shape[0]
        count += inputs.shape[0]
    return total / count


@torch.no_grad()
def _hits(model, x, y):
    out = model(x)
    if out.size(-1) == 1:
        return (out.squeeze(-1) > 0.5).long() == y.reshape(-1).long()
    return out.argmax(dim=-1) == y


def evaluate(model, loader, device):
    model.train(False)
    hits = torch.cat([_hits(model, x.to(device), y.to(device)).cpu() for x, y in loader])
    return hits.float().mean().item()
