"""MLPs — numerically careful activations, closures for the layer stack, nn.init.uniform_."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Sequence

import torch
from torch import Tensor, nn


def relu(x: Tensor) -> Tensor:
    return x.clamp(min=0)


def tanh(x: Tensor) -> Tensor:
    # expm1 keeps tiny |x| exact to the last bits: tanh(a) = −expm1(−2a) / (2 + expm1(−2a)), a = |x|
    a = x.abs()
    em = torch.expm1(-2 * a)
    return torch.copysign(-em / (2 + em), x)


def hard_sigmoid_from_relus(x: Tensor) -> Tensor:
    zero = torch.zeros_like(x)
    return torch.maximum(x + 0.5, zero) - torch.maximum(x - 0.5, zero)


def dropout(x: Tensor, p: float, training: bool = True) -> Tensor:
    if not training:
        return x
    keep = torch.empty_like(x).bernoulli_(1.0 - p)      # in place on a tensor made here
    return x * keep.div_(1.0 - p) if p < 1 else x * keep


def xavier_uniform_(tensor: Tensor) -> Tensor:
    shape = tensor.shape
    receptive_field = tensor[0][0].numel() if tensor.dim() > 2 else 1
    bound = math.sqrt(6.0 / ((shape[0] + shape[1]) * receptive_field))
    return nn.init.uniform_(tensor, -bound, bound)


class LogisticRegression(nn.Module):
    def __init__(self, in_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear(x).sigmoid()


def _stack(layers: Sequence[nn.Module], after_each: Callable[[int, Tensor], Tensor]) -> Callable[[Tensor], Tensor]:
    """A closure running each layer and then after_each(i, h)."""

    def run(h: Tensor) -> Tensor:
        for i, layer in enumerate(layers):
            h = after_each(i, layer(h))
        return h

    return run


class DiabetesNet(nn.Module):
    def __init__(self, in_features: int = 8) -> None:
        super().__init__()
        self.l1 = nn.Linear(in_features, 6)
        self.l2 = nn.Linear(6, 4)
        self.l3 = nn.Linear(4, 1)

    def forward(self, x: Tensor) -> Tensor:
        return _stack([self.l1, self.l2, self.l3], lambda i, h: torch.sigmoid(h))(x)


class MLP(nn.Module):
    def __init__(self, sizes: Sequence[int], activation: str = "relu", dropout: float = 0.0) -> None:
        super().__init__()
        self.linears = nn.ModuleList([nn.Linear(i, o) for i, o in zip(sizes, sizes[1:])])
        self.act = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid()}[activation]
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        last = len(self.linears) - 1

        def after(i: int, h: Tensor) -> Tensor:
            return h if i == last else self.drop(self.act(h))

        return _stack(list(self.linears), after)(x.flatten(1))


def train_epoch(model: nn.Module, loader: Iterable, loss_fn: Callable[[Tensor, Tensor], Tensor],
                optimizer: torch.optim.Optimizer, device: torch.device | str) -> float:
    model.train()
    seen = 0
    running = 0.0
    for batch in loader:
        inputs, targets = (t.to(device) for t in batch)
        loss = loss_fn(model(inputs), targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        running += float(loss) * inputs.shape[0]
        seen += inputs.shape[0]
    return running / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device | str) -> float:
    model.eval()
    good = torch.zeros((), dtype=torch.int64, device=device)
    count = 0
    with torch.no_grad():
        for inputs, labels in loader:
            out = model(inputs.to(device))
            labels = labels.to(device)
            if out.size(1) == 1:
                good += ((out.view(-1) > 0.5).long() == labels.view(-1).long()).sum()
            else:
                good += (out.argmax(dim=1) == labels).sum()
            count += labels.size(0)
    return good.item() / count
