"""MLP — careful numerics (expm1 for tanh near 0), bernoulli masks, a Sequential built from an OrderedDict."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return torch.where(x > 0, x, 0.0)


def tanh(x: Tensor) -> Tensor:
    # tanh|x| = −expm1(−2|x|) / (1 + e^{−2|x|}); expm1 keeps the digits near 0
    em = torch.expm1(-2 * x.abs())
    return x.sign() * (-em) / (2 + em)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1.0:
        return x.new_zeros(x.shape)
    keep = torch.bernoulli(torch.full_like(x, 1 - p))
    return x * keep * (1.0 / (1 - p))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    out_f, in_f, *kernel = tensor.shape
    rf = math.prod(kernel)
    limit = (6.0 / (in_f * rf + out_f * rf)) ** 0.5
    with torch.no_grad():
        tensor.copy_(torch.rand_like(tensor) * (2 * limit) - limit)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Linear(in_features, 1), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.model(x)


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.body = nn.Sequential(OrderedDict([
            ("l1", nn.Linear(in_features, 6)), ("s1", nn.Sigmoid()),
            ("l2", nn.Linear(6, 4)), ("s2", nn.Sigmoid()),
            ("l3", nn.Linear(4, 1)), ("s3", nn.Sigmoid()),
        ]))

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x)


class MLP(nn.Module):
    ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        blocks: OrderedDict[str, nn.Module] = OrderedDict()
        pairs = list(zip(sizes, sizes[1:]))
        for i, (n_in, n_out) in enumerate(pairs):
            blocks[f"linear{i}"] = nn.Linear(n_in, n_out)
            if i != len(pairs) - 1:
                blocks[f"act{i}"] = self.ACTS[activation]()
                if dropout:
                    blocks[f"drop{i}"] = nn.Dropout(p=dropout)
        self.seq = nn.Sequential(blocks)
        self.flatten = nn.Flatten()

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(self.flatten(x) if x.ndim > 2 else x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    loss_sum = torch.zeros((), dtype=torch.float64)
    n = 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        b = targets.shape[0]
        loss_sum += loss.detach().double().cpu() * b
        n += b
    return (loss_sum / n).item()


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = torch.zeros((), dtype=torch.long)
    total = 0
    with torch.inference_mode():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device)
            if out.size(1) == 1:
                guess = (out > 0.5).to(torch.long).reshape(-1)
                labels = labels.reshape(-1).to(torch.long)
            else:
                guess = torch.argmax(out, dim=1)
            correct += (guess == labels).sum().cpu()
            total += labels.size(0)
    return correct.item() / total
