# mistake: never zeroes the gradients (breaks: optimizer.zero_grad() each batch)
# cause: train_epoch train_epoch_matches_a_replay:values
"""MLP exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x):
    return torch.maximum(x, x.new_zeros(()))


def _stable_sigmoid(z):
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    return 2 * _stable_sigmoid(2 * x) - 1


def hard_sigmoid_from_relus(x):
    up = torch.where(x + 0.5 > 0, x + 0.5, torch.zeros_like(x))
    down = torch.where(x - 0.5 > 0, x - 0.5, torch.zeros_like(x))
    return up - down


def dropout(x, p, training=True):
    if not training:
        return x
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    keep = torch.rand(x.shape, device=x.device, dtype=x.dtype) >= p
    return torch.where(keep, x * scale, torch.zeros_like(x))


def xavier_uniform_(tensor):
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    fan_in, fan_out = tensor.size(1) * receptive, tensor.size(0) * receptive
    bound = (6 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        tensor.copy_((torch.rand(tensor.shape, dtype=tensor.dtype) * 2 - 1) * bound)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


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
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        layers: list[nn.Module] = [nn.Flatten()]
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(acts[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        loss = loss_fn(model(inputs), targets)
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
                pred = (out > 0.5).float().view(-1)
                correct += (pred == y.view(-1).float()).sum().item()
            else:
                correct += (out.argmax(1) == y).sum().item()
            total += len(y)
    return correct / total
