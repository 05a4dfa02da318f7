"""MLP — plain implementation: activations by hand, nn.Sequential models, the four-step loop."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    """max(x, 0) via torch.maximum against zeros."""
    return torch.maximum(x, torch.zeros_like(x))


def tanh(x: Tensor) -> Tensor:
    """sign(x)·(1 − e^(−2|x|))/(1 + e^(−2|x|)), written with expm1 so small x keeps its digits."""
    em = torch.expm1(-2.0 * x.abs())          # e^(−2|x|) − 1, in (−1, 0]
    return torch.sign(x) * (-em) / (2.0 + em)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    """relu(x + 0.5) − relu(x − 0.5)."""
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    """Inverted dropout with torch's RNG."""
    if not training:
        return x
    if p >= 1.0:
        return torch.zeros_like(x)
    mask = (torch.rand_like(x) > p).to(x.dtype)
    return x * mask / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    """U(−a, a), a = √(6/(fan_in + fan_out)), kernel sizes counted in both fans."""
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
    """Linear(in, 1) then sigmoid."""

    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    """in → 6 → 4 → 1, a sigmoid after every layer."""

    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        return self.sigmoid(self.linear3(x))


class MLP(nn.Module):
    """Linear layers with the activation (and dropout) after each hidden one."""

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        makers = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
        if activation not in makers:
            raise ValueError(f"unknown activation {activation!r}")
        layers: list[nn.Module] = []
        pairs = list(zip(sizes[:-1], sizes[1:]))
        for i, (n_in, n_out) in enumerate(pairs):
            layers.append(nn.Linear(n_in, n_out))
            if i < len(pairs) - 1:
                layers.append(makers[activation]())
                if dropout > 0:
                    layers.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.reshape(x.shape[0], -1)
        return self.net(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    """Forward, loss, zero_grad + backward, step; the mean loss weighted by batch size."""
    model.train()
    seen, total = 0, 0.0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        n = inputs.shape[0]
        total += float(loss.item()) * n
        seen += n
    return total / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    """Accuracy in eval mode without gradients."""
    model.eval()
    right, count = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            out = model(inputs)
            if out.shape[1] == 1:
                pred = (out.reshape(-1) > 0.5).to(torch.int64)
                truth = labels.reshape(-1).to(torch.int64)
            else:
                pred = out.argmax(dim=1)
                truth = labels.reshape(-1)
            right += int((pred == truth).sum().item())
            count += truth.shape[0]
    return right / count
