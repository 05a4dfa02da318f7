"""MLP — 多层感知机, with a training demo on the digits under __main__ (python mlp.py)."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    out = x.clone()
    out[out < 0] = 0
    return out


def tanh(x: Tensor) -> Tensor:
    # 用 e^{-2|x|} 防止溢出, 再恢复符号
    z = torch.exp(-2 * torch.abs(x))
    return torch.sign(x) * ((1 - z) / (1 + z))


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    assert 0 <= p <= 1
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = (torch.rand(x.shape, device=x.device) > p).float()
    return (mask * x / (1.0 - p)).to(x.dtype)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    dims = tensor.dim()
    num_input_fmaps, num_output_fmaps = tensor.size(1), tensor.size(0)
    receptive_field_size = 1
    if dims > 2:
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

    def forward(self, x: Tensor) -> Tensor:
        y_pred = torch.sigmoid(self.linear(x))
        return y_pred


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super(DiabetesNet, self).__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.activate = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.activate(self.linear1(x))
        x = self.activate(self.linear2(x))
        x = self.activate(self.linear3(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.layers = nn.ModuleList()
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.layers.append(nn.Linear(n_in, n_out))
        self.act = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}[activation]
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor) -> Tensor:
        x = x.view(x.size(0), -1) if x.is_contiguous() else x.reshape(x.size(0), -1)
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = self.dropout(self.act(x))
        return x


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    epoch_loss, num = 0.0, 0
    for batch_idx, (inputs, target) in enumerate(loader):
        inputs, target = inputs.to(device), target.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_fn(outputs, target)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * inputs.size(0)
        num += inputs.size(0)
    return epoch_loss / num


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for data in loader:
            inputs, labels = data
            inputs, labels = inputs.to(device), labels.to(device)
            outputs = model(inputs)
            if outputs.shape[1] == 1:
                predicted = torch.where(outputs > 0.5, 1, 0).squeeze(1)
                labels = labels.view(-1)
            else:
                _, predicted = torch.max(outputs.data, dim=1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total


if __name__ == "__main__":
    import gzip

    import numpy as np

    with gzip.open("digits.csv.gz", "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    X = torch.from_numpy(table[:, :-1])
    y = torch.from_numpy(table[:, -1]).long()
    ds = torch.utils.data.TensorDataset(X, y)
    loader = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = MLP([64, 128, 10], dropout=0.2).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for epoch in range(10):
        loss = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
        print(f"epoch {epoch}: loss {loss:.3f}, accuracy {evaluate(model, loader, device):.3f}")
    torch.save(model.state_dict(), "mlp_digits.pt")
