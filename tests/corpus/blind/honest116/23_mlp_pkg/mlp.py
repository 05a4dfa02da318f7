"""MLP topic; the activations and the fan rule come from the nnparts package next to this file."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import nnparts
from nnparts import ACTIVATIONS, xavier_bound


def relu(x: Tensor) -> Tensor:
    return nnparts.relu(x)


def tanh(x: Tensor) -> Tensor:
    return nnparts.tanh(x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return nnparts.relu(x + 0.5) - nnparts.relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep_prob = 1.0 - p
    if keep_prob == 0.0:
        return torch.zeros_like(x)
    mask = torch.rand_like(x) < keep_prob
    return x * mask / keep_prob


def xavier_uniform_(tensor: Tensor) -> Tensor:
    a = xavier_bound(tensor)
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        for i, (a, b) in enumerate([(in_features, 6), (6, 4), (4, 1)], start=1):
            setattr(self, f"fc{i}", nn.Linear(a, b))

    def forward(self, x: Tensor) -> Tensor:
        for i in (1, 2, 3):
            x = torch.sigmoid(getattr(self, f"fc{i}")(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}")
        self.hidden = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]) for i in range(len(sizes) - 2)])
        self.out = nn.Linear(sizes[-2], sizes[-1])
        self.act = ACTIVATIONS[activation]
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        x = x.reshape(x.size(0), -1) if x.ndim > 2 else x
        for layer in self.hidden:
            x = self.drop(self.act(layer(x)))
        return self.out(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    losses, sizes = [], []
    for batch in loader:
        x, y = (t.to(device) for t in batch)
        out = model(x)
        loss = loss_fn(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(x.shape[0])
    return sum(l * s for l, s in zip(losses, sizes)) / sum(sizes)


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = total = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        pred = (out.squeeze(1) > 0.5).to(y.dtype) if out.size(1) == 1 else out.argmax(1)
        correct += (pred == y.view_as(pred)).sum().item()
        total += y.numel()
    return correct / total
