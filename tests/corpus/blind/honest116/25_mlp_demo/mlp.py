# 多层感知机 homework — answers plus a training run on the 8x8 digits when run as a script.
from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x.clamp(min=0)


def tanh(x: Tensor) -> Tensor:
    if x.numel() <= 64:
        # small inputs: the textbook (e^x - e^-x)/(e^x + e^-x), with the exponent kept non-positive
        ax = x.abs()
        e2 = torch.exp(-2 * ax)
        return torch.sign(x) * (-torch.expm1(-2 * ax)) / (1 + e2)
    # large inputs: tanh(x) = 2σ(2x) − 1, σ written out stably
    z = torch.exp(-2 * x.abs())
    s = torch.where(x >= 0, 1 / (1 + z), z / (1 + z))
    out = 2 * s - 1
    # 2σ−1 loses relative precision near 0; fix the small entries with the first formula
    small = x.abs() < 0.5
    exact = torch.sign(x) * (-torch.expm1(-2 * x.abs())) / (1 + z)
    return torch.where(small, exact, out)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    upper = x + 0.5
    lower = x - 0.5
    return upper * (upper > 0) - lower * (lower > 0)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    assert 0 <= p <= 1
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    if p == 0:
        return x
    mask = (torch.rand_like(x) > p).float()
    return (mask * x / (1.0 - p)).to(x.dtype)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    if tensor.dim() > 2:
        for s in tensor.shape[2:]:
            receptive_field_size *= s
    fan_in = num_input_fmaps * receptive_field_size
    fan_out = num_output_fmaps * receptive_field_size
    std = math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    with torch.no_grad():
        return tensor.uniform_(-a, a)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x):
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super(DiabetesNet, self).__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.linear1(x))
        x = torch.sigmoid(self.linear2(x))
        return torch.sigmoid(self.linear3(x))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList()
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.layers.append(nn.Linear(n_in, n_out))
        self.act_fn = getattr(torch, activation)
        self.dropout = dropout

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for layer in self.layers[:-1]:
            x = self.act_fn(layer(x))
            x = F.dropout(x, self.dropout, self.training) if self.dropout > 0 else x
        return self.layers[-1](x)


def train_epoch(model, loader, loss_fn, optimizer, device) -> float:
    model.train()
    sum_loss = 0.0
    n = 0
    for batch_idx, (data, target) in enumerate(loader):
        data, target = data.to(device), target.to(device)
        output = model(data)
        loss = loss_fn(output, target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        sum_loss += loss.item() * len(data)
        n += len(data)
    return sum_loss / n


def evaluate(model, loader, device) -> float:
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            if output.size(1) == 1:
                predicted = (output > 0.5).long().view(-1)
                correct += (predicted == target.view(-1).long()).sum().item()
            else:
                _, predicted = torch.max(output.data, dim=1)
                correct += (predicted == target).sum().item()
            total += target.size(0)
    return correct / total


if __name__ == "__main__":
    table = np.loadtxt("digits.csv.gz", delimiter=",", dtype=np.float32)
    X = torch.from_numpy(table[:, :64] / 16.0).reshape(-1, 1, 8, 8)
    y = torch.from_numpy(table[:, 64]).long()
    ds = torch.utils.data.TensorDataset(X, y)
    train_loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = MLP([64, 128, 64, 10], dropout=0.2).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for epoch in range(10):
        loss = train_epoch(model, train_loader, F.cross_entropy, opt, device)
        print(f"epoch {epoch}: loss {loss:.4f}, acc {evaluate(model, train_loader, device):.3f}")
    torch.save(model.state_dict(), "mlp_digits.pt")
