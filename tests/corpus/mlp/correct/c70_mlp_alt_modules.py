# correct: Sequential logistic regression; DiabetesNet with named layers and torch.sigmoid; MLP from a ModuleList with activation functions and dropout modules applied in forward; train_epoch collecting losses and sizes (zero_grad placed before the forward); evaluate flattening labels and counting with torch.sum
"""Multilayer perceptrons — reference solution. The specification is the docstrings in exercises/mlp.py."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """max(x, 0)."""
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    """sign(x)·(1 − e^(−2|x|)) / (1 + e^(−2|x|))."""
    e = torch.exp(-2 * x.abs())
    return torch.sign(x) * (1 - e) / (1 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """relu(x + 0.5) − relu(x − 0.5)."""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Keep with probability 1 − p, scale by 1/(1 − p)."""
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """U(−a, a), a = √(6 / (fan_in + fan_out))."""
    receptive = math.prod(tensor.shape[2:])
    fan_in, fan_out = tensor.shape[1] * receptive, tensor.shape[0] * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class LogisticRegression(nn.Module):
    """A Sequential of the linear layer and nn.Sigmoid."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class DiabetesNet(nn.Module):
    """Three named layers, torch.sigmoid in forward."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        return torch.sigmoid(self.linear3(x))


class MLP(nn.Module):
    """A ModuleList of linears; activation functions and dropout modules applied in forward."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.act = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
        self.drops = nn.ModuleList(nn.Dropout(dropout) for _ in range(len(sizes) - 2))
        self.use_dropout = dropout > 0

    def forward(self, x: Tensor) -> Tensor:
        x = x.reshape(x.shape[0], -1)
        for i, linear in enumerate(self.linears):
            x = linear(x)
            if i < len(self.linears) - 1:
                x = self.act(x)
                if self.use_dropout:
                    x = self.drops[i](x)
        return x


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """Losses and sizes collected, weighted mean at the end."""
    model.train()
    losses, sizes = [], []
    for batch in loader:
        inputs, targets = (t.to(device) for t in batch)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
        sizes.append(inputs.shape[0])
    return sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Counts with torch.sum; labels flattened in both cases."""
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device).reshape(-1)
            if out.shape[-1] == 1:
                pred = (out.reshape(-1) > 0.5).to(labels.dtype)
            else:
                pred = torch.argmax(out, dim=-1)
            correct += torch.sum(pred == labels).item()
            total += labels.numel()
    return correct / total
