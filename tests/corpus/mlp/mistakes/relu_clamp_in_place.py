# mistake: x.clamp_(min=0) changes the caller's tensor (breaks: inputs left unchanged)
# cause: relu input_domain:inputs
"""MLP exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x):
    return x.clamp_(min=0)


def tanh(x):
    t = torch.expm1(-2 * x.abs())
    return -torch.sign(x) * t / (t + 2)


def hard_sigmoid_from_relus(x):
    up = torch.where(x + 0.5 > 0, x + 0.5, torch.zeros_like(x))
    down = torch.where(x - 0.5 > 0, x - 0.5, torch.zeros_like(x))
    return up - down


def dropout(x, p, training=True):
    if not training or p == 0:
        return x
    if p >= 1:
        return x * 0
    mask = torch.bernoulli(torch.full_like(x, 1 - p))
    return mask * x / (1 - p)


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
        sizes = [in_features, 6, 4, 1]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x):
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


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
