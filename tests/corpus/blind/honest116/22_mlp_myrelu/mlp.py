"""MLP topic built around the tutorial's MyReLU autograd Function, reused by later exercises."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable


class MyReLU(torch.autograd.Function):
    """ReLU with a hand-written backward (PyTorch tutorial: defining new autograd functions)."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", input: Tensor) -> Tensor:
        ctx.save_for_backward(input)
        return input * (input > 0).to(input.dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MyTanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        e = torch.exp(-2.0 * x.abs())
        y = torch.copysign(-torch.expm1(-2.0 * x.abs()) / (1.0 + e), x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_output: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y)


def relu(x: Tensor) -> Tensor:
    return MyReLU.apply(x)


def tanh(x: Tensor) -> Tensor:
    return MyTanh.apply(x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return MyReLU.apply(x + 0.5) - MyReLU.apply(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training or p == 0:
        return x
    if p >= 1:
        return x * 0
    keep = torch.rand(x.shape, device=x.device) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_in, fan_out = tensor.size(1), tensor.size(0)
    if tensor.dim() > 2:
        k = tensor[0][0].numel()
        fan_in, fan_out = fan_in * k, fan_out * k
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)


class ReLULayer(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return MyReLU.apply(x)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return torch.sigmoid(self.fc(x))


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.layers(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.activation = activation
        self.p = dropout

    def _act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return MyReLU.apply(h)
        if self.activation == "tanh":
            return MyTanh.apply(h)
        return torch.sigmoid(h)

    def forward(self, x: Tensor) -> Tensor:
        h = x.flatten(1) if x.dim() > 2 else x
        for i, lin in enumerate(self.linears):
            h = lin(h)
            if i < len(self.linears) - 1:
                h = self._act(h)
                if self.p > 0:
                    h = dropout(h, self.p, self.training)
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    running, seen = 0.0, 0
    for xb, yb in loader:
        xb = xb.to(device)
        yb = yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += float(loss) * len(xb)
        seen += len(xb)
    return running / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits = n = 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            scores = model(xb)
            if scores.shape[-1] == 1:
                hits += int(((scores.squeeze(-1) > 0.5).long() == yb.reshape(-1).long()).sum())
            else:
                hits += int((scores.argmax(-1) == yb).sum())
            n += len(yb)
    return hits / n
