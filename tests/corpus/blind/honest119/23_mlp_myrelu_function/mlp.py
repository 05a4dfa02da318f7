"""MLP — with the tutorial's MyReLU (a custom autograd Function), used by relu and by the MLP."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


class MyReLU(torch.autograd.Function):
    """From the PyTorch tutorial: forward clamps at 0, backward zeroes the gradient where input < 0."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def relu(x: Tensor) -> Tensor:
    return MyReLU.apply(x)


def tanh(x: Tensor) -> Tensor:
    t = torch.exp(-2.0 * torch.abs(x))
    return torch.where(x < 0, -torch.ones_like(x), torch.ones_like(x)) * (1.0 - t) / (1.0 + t)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    # clamp is off limits here, so use a where-based relu rather than MyReLU
    def r(t: Tensor) -> Tensor:
        return torch.where(t > 0, t, torch.zeros_like(t))
    return r(x + 0.5) - r(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep = 1.0 - p
    if keep <= 0:
        return x * 0.0
    return x * (torch.rand_like(x) < keep) / keep


def xavier_uniform_(tensor: Tensor) -> Tensor:
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    fan_in = tensor.size(1) * receptive
    fan_out = tensor.size(0) * receptive
    bound = math.sqrt(6.0 / float(fan_in + fan_out))
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
        self.layers = nn.ModuleList([nn.Linear(in_features, 6), nn.Linear(6, 4), nn.Linear(4, 1)])

    def forward(self, x: Tensor) -> Tensor:
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activation = activation
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def _act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return MyReLU.apply(h)
        if self.activation == "tanh":
            return torch.tanh(h)
        if self.activation == "sigmoid":
            return torch.sigmoid(h)
        raise ValueError(self.activation)

    def forward(self, x: Tensor) -> Tensor:
        h = torch.flatten(x, 1)
        *hidden, last = self.linears
        for layer in hidden:
            h = self.drop(self._act(layer(h)))
        return last(h)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    running, count = 0.0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * len(x)
        count += len(x)
    return running / count


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits, count = 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        pred = (out.squeeze(1) > 0.5).to(y.dtype) if out.size(1) == 1 else out.argmax(1)
        hits += int((pred == y.reshape(pred.shape)).sum())
        count += pred.numel()
    return hits / count
