"""MLP — the PyTorch tutorial's MyReLU autograd Function is my relu, reused by the hard sigmoid and the MLP."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", input: Tensor) -> Tensor:
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def relu(x: Tensor) -> Tensor:
    return MyReLU.apply(x)


def tanh(x: Tensor) -> Tensor:
    e = torch.exp(-2 * torch.abs(x))
    return torch.sign(x) * (1 - e) / (1 + e)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return relu(x + 0.5) - relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    assert 0 <= p <= 1
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = (torch.rand_like(x) > p).type_as(x)
    return mask * x / (1.0 - p)


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_out, fan_in = tensor.shape[0], tensor.shape[1]
    for k in tensor.shape[2:]:
        fan_in *= k
        fan_out *= k
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.uniform_(-a, a)
    return tensor


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.linear(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(in_features, 6)
        self.linear2 = nn.Linear(6, 4)
        self.linear3 = nn.Linear(4, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: Tensor) -> Tensor:
        x = self.sigmoid(self.linear1(x))
        x = self.sigmoid(self.linear2(x))
        x = self.sigmoid(self.linear3(x))
        return x


class _ReLUModule(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return relu(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = {"relu": _ReLUModule(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}[activation]
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() > 2:
            x = x.reshape(x.shape[0], -1)
        for linear in self.linears[:-1]:
            x = self.drop(self.act(linear(x)))
        return self.linears[-1](x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    running, seen = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item() * inputs.size(0)
        seen += inputs.size(0)
    return running / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            out = model(inputs)
            if out.shape[1] == 1:
                pred = (out > 0.5).float().view(-1)
                labels = labels.view(-1).float()
            else:
                pred = out.argmax(dim=1)
            correct += (pred == labels).sum().item()
            total += labels.size(0)
    return correct / total
