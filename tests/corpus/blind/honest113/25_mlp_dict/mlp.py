"""MLP with an activation registry, properties, and a size switch in dropout."""
from __future__ import annotations

import functools
import math
import operator
from typing import Callable, Dict, Iterable, Sequence

import torch
from torch import Tensor, nn

BIG = 1 << 20  # elements; above this dropout draws its mask in chunks to limit peak memory


def relu(x: Tensor) -> Tensor:
    return (x + x.abs()) / 2


def tanh(x: Tensor) -> Tensor:
    ax = x.abs()
    t = torch.expm1(-2 * ax)          # e^(-2|x|) - 1, accurate near 0
    return -torch.sign(x) * t / (t + 2)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    if x.numel() <= BIG:
        mask = torch.rand_like(x) > p
    else:
        flat = torch.cat([torch.rand(min(BIG, x.numel() - s), dtype=x.dtype, device=x.device)
                          for s in range(0, x.numel(), BIG)])
        mask = flat.view(x.shape) > p
    return x * mask / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    shape = tuple(tensor.shape)
    receptive = functools.reduce(operator.mul, shape[2:], 1)
    limit = math.sqrt(6 / ((shape[0] + shape[1]) * receptive))
    with torch.no_grad():
        tensor.uniform_(-limit, limit)
    return tensor


ACTIVATIONS: Dict[str, Callable[[Tensor], Tensor]] = {
    "relu": relu,
    "tanh": tanh,
    "sigmoid": torch.sigmoid,
}


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    @property
    def in_features(self) -> int:
        return self.linear.in_features

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    widths = (6, 4, 1)

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        dims = (in_features,) + self.widths
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims, dims[1:]))

    @property
    def depth(self) -> int:
        return len(self.layers)

    def forward(self, x: Tensor) -> Tensor:
        return functools.reduce(lambda h, layer: torch.sigmoid(layer(h)), self.layers, x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.sizes = list(sizes)
        self.activation = activation
        self.p = dropout
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(self.sizes[:-2], self.sizes[1:-1]))
        self.head = nn.Linear(self.sizes[-2], self.sizes[-1])

    @property
    def act(self) -> Callable[[Tensor], Tensor]:
        return ACTIVATIONS[self.activation]

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(len(x), -1)
        for layer in self.hidden:
            h = self.act(layer(h))
            if self.p > 0:
                h = dropout(h, self.p, self.training)
        return self.head(h)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn, optimizer, device) -> float:
    model.train()
    weighted = []
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted.append((loss.detach() * len(inputs), len(inputs)))
    return float(sum(w for w, _ in weighted)) / sum(n for _, n in weighted)


def evaluate(model: nn.Module, loader: Iterable, device) -> float:
    model.eval()
    right = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device).reshape(-1)
            pred = out.argmax(1) if out.shape[1] > 1 else (out[:, 0] > 0.5).to(labels.dtype)
            right += (pred == labels).sum().item()
            total += labels.numel()
    return right / total
