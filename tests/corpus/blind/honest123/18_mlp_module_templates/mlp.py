"""Multilayer perceptrons — activation modules created once at import and used as templates.

The module builds, at import, one instance of each activation module (they hold no state) and
a table from names to them; MLP deep-copies the template it needs. A tiny check at import
compares the hand-written tanh with its exponential definition.
"""

from __future__ import annotations

import copy
import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, x.new_zeros(()))


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1 rewritten with e = exp(−2|x|) ≤ 1: no overflow anywhere
    e = torch.exp(-2 * x.abs())
    return torch.copysign((1 - e) / (1 + e), x)


def logistic(x: Tensor) -> Tensor:
    e = torch.exp(-x.abs())
    return torch.where(x < 0, e / (1 + e), 1 / (1 + e))


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    keep = torch.rand_like(x) > p
    return x * keep.to(x.dtype) * (1.0 / (1.0 - p))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    out_c, in_c = tensor.shape[0], tensor.shape[1]
    field = math.prod(tensor.shape[2:])
    bound = math.sqrt(6.0 / (in_c * field + out_c * field))
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
    return tensor


class Lambda(nn.Module):
    """A parameter-free module around a tensor function."""

    def __init__(self, fn: Callable[[Tensor], Tensor], name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name

    def forward(self, x: Tensor) -> Tensor:
        return self.fn(x)

    def extra_repr(self) -> str:
        return self.name


class Dropout(nn.Module):
    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training)


# ---- templates built at import -----------------------------------------------------------
ACTIVATION_TEMPLATES: dict[str, nn.Module] = {
    "relu": Lambda(relu, "relu"),
    "tanh": Lambda(tanh, "tanh"),
    "sigmoid": Lambda(logistic, "sigmoid"),
}
PROBE = torch.linspace(-5, 5, 11, dtype=torch.float64)
assert torch.allclose(tanh(PROBE), (PROBE.exp() - (-PROBE).exp()) / (PROBE.exp() + (-PROBE).exp()), rtol=1e-12)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)
        self.out = copy.deepcopy(ACTIVATION_TEMPLATES["sigmoid"])

    def forward(self, x: Tensor) -> Tensor:
        return self.out(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        widths = [in_features, 6, 4, 1]
        blocks: list[nn.Module] = []
        for a, b in zip(widths, widths[1:]):
            blocks += [nn.Linear(a, b), copy.deepcopy(ACTIVATION_TEMPLATES["sigmoid"])]
        self.net = nn.Sequential(*blocks)

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        template = ACTIVATION_TEMPLATES[activation]
        modules: list[nn.Module] = []
        pairs = list(zip(sizes[:-1], sizes[1:]))
        for i, (a, b) in enumerate(pairs):
            modules.append(nn.Linear(a, b))
            if i + 1 < len(pairs):
                modules.append(copy.deepcopy(template))
                if dropout > 0:
                    modules.append(Dropout(dropout))
        self.body = nn.Sequential(*modules)
        self.flatten = nn.Flatten()

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = self.flatten(x)
        return self.body(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    losses: list[tuple[float, int]] = []
    for batch_x, batch_y in loader:
        batch_x, batch_y = batch_x.to(device), batch_y.to(device)
        loss = loss_fn(model(batch_x), batch_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append((loss.item(), len(batch_x)))
    n = sum(size for _, size in losses)
    return sum(value * size for value, size in losses) / n


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits = 0
    count = 0
    for batch_x, batch_y in loader:
        scores = model(batch_x.to(device))
        batch_y = batch_y.to(device)
        if scores.size(1) == 1:
            guess = scores.squeeze(1) > 0.5
            hits += int((guess.long() == batch_y.view(-1).long()).sum())
        else:
            hits += int((scores.argmax(1) == batch_y).sum())
        count += scores.size(0)
    return hits / count
