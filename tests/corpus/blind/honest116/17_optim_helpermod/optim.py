"""Optimisation; the update formulas live in update_rules.py beside this file."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

from update_rules import adam_direction, apply_weight_decay, momentum_direction


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    xtx = X.T.matmul(X)
    xty = X.T.matmul(y)
    return torch.linalg.solve(xtx, xty)


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return float(torch.mean((w * x - y) ** 2))


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    record = []
    for _ in range(steps):
        record.append(_mse(w, x, y))
        w = w - lr * float(torch.mean(2 * x * (w * x - y)))
    return float(w), record


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    xs, ys = x.tolist(), y.tolist()
    curve = []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        curve.append(_mse(w, x, y))
    return w, curve


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    idx = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(idx, batch_size))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = apply_weight_decay(p.grad, p, group["weight_decay"])
                d = momentum_direction(d, self.state[p], group["momentum"], group["dampening"], group["nesterov"])
                p.add_(d, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is not None:
                    g = apply_weight_decay(p.grad, p, group["weight_decay"])
                    p.sub_(group["lr"] * adam_direction(g, self.state[p], b1, b2, group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed = []
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        smoothed.append(s / (1 - math.pow(beta, t)) if bias_correction else s)
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = torch.tensor(table[:, :-1])
        self.labels = torch.tensor(table[:, -1:])

    def __len__(self) -> int:
        return self.features.shape[0]

    def __getitem__(self, i: int):
        return self.features[i], self.labels[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return list(torch.arange(n).tensor_split(k))
