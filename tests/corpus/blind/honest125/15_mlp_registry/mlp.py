"""MLP — activation registry built at import, a dataclass spec for the MLP, functools for the fans."""

from __future__ import annotations

import functools
import math
import operator
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, Sequence, Type

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """x where positive, else 0, as x·[x > 0] (no clamp: hard_sigmoid below reuses this)."""
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    """(1 − e^(−2|x|)) / (1 + e^(−2|x|)) with the sign of x copied back."""
    a = x.abs()
    t = torch.expm1(-2 * a).neg() / (torch.exp(-2 * a) + 1)
    return torch.copysign(t, x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """Two shifted ReLUs make a ramp from 0 to 1."""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Bernoulli keep-mask (keep with probability 1 − p) drawn in place on a fresh tensor."""
    if not training:
        return x
    if p >= 1:
        return torch.zeros_like(x)
    keep = torch.empty_like(x).bernoulli_(1.0 - p)
    return x * keep / (1.0 - p)


def _fans(shape: torch.Size) -> tuple[int, int]:
    receptive = functools.reduce(operator.mul, shape[2:], 1)
    return shape[1] * receptive, shape[0] * receptive


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """Glorot uniform, in place, under no_grad."""
    fan_in, fan_out = _fans(tensor.shape)
    bound = math.sqrt(6.0 / float(fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


# Registry of activation modules, filled once at import time.
ACTIVATIONS: Dict[str, Type[nn.Module]] = {}


def register_activation(name: str) -> Callable[[Type[nn.Module]], Type[nn.Module]]:
    def deco(cls: Type[nn.Module]) -> Type[nn.Module]:
        ACTIVATIONS[name] = cls
        return cls
    return deco


register_activation("relu")(nn.ReLU)
register_activation("tanh")(nn.Tanh)
register_activation("sigmoid")(nn.Sigmoid)


class LogisticRegression(nn.Module):
    """σ(w·x + b) with a single output."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)
        self.act = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self.fc(x))


class DiabetesNet(nn.Module):
    """The lecture's 8 → 6 → 4 → 1 network (input width configurable)."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = (in_features, 6, 4, 1)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


@dataclass(frozen=True)
class MLPSpec:
    sizes: tuple
    activation: str = "relu"
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}")
        if len(self.sizes) < 2:
            raise ValueError("need at least an input and an output size")


class MLP(nn.Module):
    """Linear layers sizes[0] → … → sizes[-1]; activation + optional dropout after hidden layers."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.spec = MLPSpec(tuple(sizes), activation, float(dropout))
        s = self.spec.sizes
        self.linears = nn.ModuleList(nn.Linear(s[i], s[i + 1]) for i in range(len(s) - 1))
        self.acts = nn.ModuleList(ACTIVATIONS[activation]() for _ in range(len(s) - 2))
        self.drop = nn.Dropout(self.spec.dropout) if self.spec.dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1) if x.dim() > 2 else x
        last = len(self.linears) - 1
        for i, linear in enumerate(self.linears):
            h = linear(h)
            if i < last:
                h = self.drop(self.acts[i](h))
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """The four steps per batch; Σ loss·batch / Σ batch."""
    model.train()
    weighted: list[tuple[float, int]] = []
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        weighted.append((loss.item(), len(xb)))
    n = sum(b for _, b in weighted)
    return sum(l * b for l, b in weighted) / n


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Thresholded probabilities for one output column, argmax for several."""
    model.eval()
    hits = total = 0
    for xb, yb in loader:
        out = model(xb.to(device))
        yb = yb.to(device)
        if out.shape[-1] == 1:
            hits += int(((out.view(-1) > 0.5).long() == yb.view(-1).long()).sum())
        else:
            hits += int((out.argmax(-1) == yb).sum())
        total += out.shape[0]
    return hits / total
