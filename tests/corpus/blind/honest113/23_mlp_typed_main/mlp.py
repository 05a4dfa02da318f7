"""MLP — typed; a digits training demo with torch.save under __main__."""
from __future__ import annotations

import gzip
import math
from typing import Callable, Iterable, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0)


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2*sigmoid(2x) - 1, with the sigmoid written stably
    z: Tensor = 2 * x
    e: Tensor = torch.exp(-z.abs())
    s: Tensor = torch.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return 2 * s - 1


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p == 1.0:
        return torch.zeros_like(x)
    mask: Tensor = torch.empty_like(x).bernoulli_(1 - p)
    return x * mask / (1 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    out_f, in_f, *kernel = tensor.shape
    receptive: int = math.prod(kernel) if kernel else 1
    a: float = math.sqrt(6.0 / (in_f * receptive + out_f * receptive))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear: nn.Linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        for fc in (self.fc1, self.fc2, self.fc3):
            x = torch.sigmoid(fc(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ("relu", "tanh", "sigmoid"):
            raise ValueError(f"unknown activation {activation}")
        self.linears: nn.ModuleList = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.activation: str = activation
        self.dropout: float = dropout

    def forward(self, x: Tensor) -> Tensor:
        h: Tensor = x.flatten(start_dim=1) if x.dim() > 2 else x
        last: int = len(self.linears) - 1
        for i, layer in enumerate(self.linears):
            h = layer(h)
            if i != last:
                h = getattr(torch, self.activation)(h)
                h = F.dropout(h, self.dropout, self.training) if self.dropout > 0 else h
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    total: float = 0.0
    count: int = 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        pred: Tensor = model(xb)
        loss: Tensor = loss_fn(pred, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += float(loss) * xb.shape[0]
        count += xb.shape[0]
    return total / count


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct: int = 0
    count: int = 0
    with torch.no_grad():
        for xb, yb in loader:
            out: Tensor = model(xb.to(device))
            yb = yb.to(device)
            if out.shape[1] == 1:
                pred = (out.squeeze(1) > 0.5).long()
                target = yb.reshape(-1).long()
            else:
                pred, target = out.argmax(1), yb
            correct += int((pred == target).sum())
            count += len(target)
    return correct / count


if __name__ == "__main__":
    with gzip.open("digits.csv.gz", "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.float32)
    X, y = torch.from_numpy(table[:, :-1]) / 16.0, torch.from_numpy(table[:, -1]).long()
    ds = torch.utils.data.TensorDataset(X, y)
    loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
    model = MLP([64, 128, 10], dropout=0.1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(10):
        print(epoch, train_epoch(model, loader, nn.CrossEntropyLoss(), opt, "cpu"), evaluate(model, loader, "cpu"))
    torch.save(model.state_dict(), "mlp_digits.pt")
