# mistake: torch.clamp(x + 0.5, 0, 1) (breaks: off limits: torch.clamp)
# cause: hard_sigmoid_from_relus twin
"""MLP exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def tanh(x):
    t = torch.expm1(-2 * x.abs())
    return -torch.sign(x) * t / (t + 2)


def hard_sigmoid_from_relus(x):
    return torch.clamp(x + 0.5, 0, 1)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    keep = (torch.rand_like(x) > p).to(x.dtype)
    return x * keep / (1 - p)


def xavier_uniform_(tensor):
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    fan_in, fan_out = tensor.size(1) * receptive, tensor.size(0) * receptive
    bound = (6 / (fan_in + fan_out)) ** 0.5
    with torch.no_grad():
        tensor.copy_((torch.rand(tensor.shape, dtype=tensor.dtype) * 2 - 1) * bound)
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
