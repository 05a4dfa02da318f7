"""MLP — relu through the PyTorch tutorial's MyReLU autograd Function (clamp inside its forward)."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn

# Constants computed once at import.
SQRT6 = math.sqrt(6.0)
ACTIVATION_NAMES = ("relu", "tanh", "sigmoid")


class MyReLU(torch.autograd.Function):
    """As in the PyTorch tutorial "Defining new autograd functions"."""

    @staticmethod
    def forward(ctx, input: Tensor) -> Tensor:
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def relu(x: Tensor) -> Tensor:
    return MyReLU.apply(x)


def tanh(x: Tensor) -> Tensor:
    # tanh|x| = (1 − e^(−2|x|)) / (1 + e^(−2|x|)) = −expm1(−2|x|) / (2 + expm1(−2|x|))
    em = torch.expm1(-2 * x.abs())
    return torch.sign(x) * (-em) / (2 + em)


def _where_relu(x: Tensor) -> Tensor:
    # clamp is off limits in hard_sigmoid_from_relus, so its ReLUs are written with where
    return torch.where(x > 0, x, torch.zeros_like(x))


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    return _where_relu(x + 0.5) - _where_relu(x - 0.5)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    if p >= 1.0:
        return x * 0                       # zeros of x's dtype and device, still in the graph
    keep = torch.rand_like(x) > p
    return torch.where(keep, x / (1.0 - p), torch.zeros_like(x))


def xavier_uniform_(tensor: Tensor) -> Tensor:
    fan_out, fan_in = tensor.shape[0], tensor.shape[1]
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    bound = SQRT6 / math.sqrt((fan_in + fan_out) * receptive)
    with torch.no_grad():
        tensor.uniform_(-bound, bound)
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
        return self.sigmoid(self.linear3(x))


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        if activation not in ACTIVATION_NAMES:
            raise ValueError(activation)
        self.activation = activation
        self.p = dropout
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def _act(self, h: Tensor) -> Tensor:
        if self.activation == "relu":
            return relu(h)
        if self.activation == "tanh":
            return torch.tanh(h)
        return torch.sigmoid(h)

    def forward(self, x: Tensor) -> Tensor:
        h = x.reshape(x.shape[0], -1) if x.dim() > 2 else x
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i < last:
                h = self._act(h)
                if self.p > 0:
                    h = dropout(h, self.p, self.training)
        return h


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    weighted, seen = 0.0, 0
    for inputs, targets in loader:
        inputs = inputs.to(device)
        targets = targets.to(device)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        b = inputs.shape[0]
        weighted += loss.item() * b
        seen += b
    return weighted / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device)
            if out.shape[-1] == 1:
                pred = (out.reshape(-1) > 0.5).to(torch.int64)
                truth = labels.reshape(-1).to(torch.int64)
            else:
                pred = out.argmax(dim=1)
                truth = labels
            hits += int((pred == truth).sum().item())
            total += truth.shape[0]
    return hits / total
