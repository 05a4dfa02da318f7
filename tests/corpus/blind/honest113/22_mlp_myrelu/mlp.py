"""MLP exercises around the PyTorch tutorial's MyReLU (a custom autograd Function), reused later."""
from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


class MyReLU(torch.autograd.Function):
    """From the "Learning PyTorch with Examples" tutorial: forward clamps, backward masks."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input * (input > 0).to(input.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class MyTanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        e = torch.exp(-2 * x.abs())
        y = torch.sign(x) * (1 - e) / (1 + e)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", g: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return g * (1 - y * y)


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
    keep = torch.rand_like(x) > p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    rf = tensor[0][0].numel() if tensor.dim() > 2 else 1
    fan_in, fan_out = tensor.shape[1] * rf, tensor.shape[0] * rf
    bound = math.sqrt(6 / (fan_in + fan_out))
    with torch.no_grad():
        tensor.copy_(torch.rand(tensor.shape, dtype=tensor.dtype, device=tensor.device) * 2 * bound - bound)
    return tensor


class ReLULayer(nn.Module):
    """nn.Module wrapper so MyReLU can sit inside nn.Sequential."""

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
        self.net = nn.Sequential(
            nn.Linear(in_features, 6), nn.Sigmoid(),
            nn.Linear(6, 4), nn.Sigmoid(),
            nn.Linear(4, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        act: Callable[[], nn.Module] = {"relu": ReLULayer, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
        mods: list[nn.Module] = [nn.Flatten()]
        for i in range(len(sizes) - 1):
            mods.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                mods.append(act())
                if dropout > 0:
                    mods.append(nn.Dropout(dropout))
        self.net = nn.Sequential(*mods)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 1:
            x = x.unsqueeze(0)
        return self.net(x)


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    losses: list[tuple[float, int]] = []
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append((loss.item(), len(x)))
    return sum(l * n for l, n in losses) / sum(n for _, n in losses)


@torch.no_grad()
def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits, seen = 0, 0
    for x, y in loader:
        out = model(x.to(device))
        y = y.to(device)
        if out.shape[-1] == 1:
            pred = (out > 0.5).to(y.dtype).reshape(y.shape)
        else:
            pred = out.argmax(-1)
        hits += (pred == y).sum().item()
        seen += y.shape[0]
    return hits / seen
