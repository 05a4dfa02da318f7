# mistake: returns a new tensor, leaves the argument as it was (breaks: in place: fill tensor itself)
# cause: xavier_uniform_ xavier_uniform:failed
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


def hard_sigmoid_from_relus(x):
    up = torch.where(x + 0.5 > 0, x + 0.5, torch.zeros_like(x))
    down = torch.where(x - 0.5 > 0, x - 0.5, torch.zeros_like(x))
    return up - down


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)


def xavier_uniform_(tensor):
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    a = math.sqrt(6.0 / ((tensor.shape[0] + tensor.shape[1]) * receptive))
    return torch.empty_like(tensor).uniform_(-a, a)


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

    def forward(self, x):
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


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


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device) -> float:
    model.train(True)
    losses, sizes = [], []
    for batch in loader:
        x, y = (t.to(device) for t in batch)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        sizes.append(len(x))
    return sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)


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
