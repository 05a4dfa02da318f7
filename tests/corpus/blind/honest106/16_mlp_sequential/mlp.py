"""MLP — nn.Sequential built from an OrderedDict, setattr'd layers, functional activations."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x * (x > 0).to(x.dtype)


def tanh(x: Tensor) -> Tensor:
    # tanh(x) = 2σ(2x) − 1 written with e^{−2|x|}
    t = torch.exp(-2.0 * x.abs())
    mag = (1.0 - t) / (1.0 + t)
    return torch.where(x < 0, -mag, mag)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training or p == 0:
        return x
    if p >= 1.0:
        return x * 0
    keep = torch.rand(x.shape, device=x.device) > p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = math.prod(tensor.shape[2:]) if tensor.dim() > 2 else 1
    fan_in = tensor.size(1) * receptive
    fan_out = tensor.size(0) * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.fc(x).sigmoid()


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        dims = [in_features, 6, 4, 1]
        for i in range(3):
            setattr(self, f"fc{i + 1}", nn.Linear(dims[i], dims[i + 1]))

    def forward(self, x: Tensor) -> Tensor:
        for i in range(3):
            x = torch.sigmoid(getattr(self, f"fc{i + 1}")(x))
        return x


class MLP(nn.Module):
    ACT = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        layers: "OrderedDict[str, nn.Module]" = OrderedDict()
        n = len(sizes) - 1
        for i in range(n):
            layers[f"linear{i}"] = nn.Linear(sizes[i], sizes[i + 1])
            if i < n - 1:
                layers[f"act{i}"] = self.ACT[activation]()
                if dropout > 0:
                    layers[f"drop{i}"] = nn.Dropout(p=dropout)
        self.net = nn.Sequential(layers)
        self.in_features = sizes[0]

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x.view(-1, self.in_features) if x.is_contiguous() else x.reshape(-1, self.in_features))


def train_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses, sizes = [], []
    for batch_idx, (data, target) in enumerate(loader):
        data, target = data.to(device), target.to(device)
        output = model(data)
        loss = loss_fn(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        sizes.append(len(data))
    return sum(l * s for l, s in zip(losses, sizes)) / sum(sizes)


@torch.no_grad()
def evaluate(model, loader, device):
    model.eval()
    hits, count = 0, 0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        scores = model(data)
        if scores.size(1) >= 2:
            hits += (scores.argmax(1) == target).sum().item()
        else:
            hits += ((scores > 0.5).long().flatten() == target.flatten().long()).sum().item()
        count += target.shape[0]
    return hits / count


if __name__ == "__main__":
    torch.manual_seed(0)
    model = MLP([64, 32, 10], "relu", dropout=0.2)
    xb, yb = torch.randn(128, 1, 8, 8), torch.randint(0, 10, (128,))
    loader = [(xb[i:i + 32], yb[i:i + 32]) for i in range(0, 128, 32)]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(3):
        print(epoch, train_epoch(model, loader, F.cross_entropy, opt, "cpu"), evaluate(model, loader, "cpu"))
    torch.save(model.state_dict(), "mlp.pt")
