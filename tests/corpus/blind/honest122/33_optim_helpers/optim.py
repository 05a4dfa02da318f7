"""Optimisation exercises; the optimisers' update rules live in update_rules.py."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

from update_rules import adam_update, sgd_update


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram = X.T @ X
    chol = torch.linalg.cholesky(gram)
    rhs = X.T @ y
    vector = rhs.dim() == 1
    w = torch.cholesky_solve(rhs.unsqueeze(-1) if vector else rhs, chol)
    return w.squeeze(-1) if vector else w


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _ in range(steps):
        pred = w * x
        losses.append(float(torch.mean((pred - y) ** 2)))
        grad = float(torch.mean(2 * x * (pred - y)))
        w -= lr * grad
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _epoch in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(float(torch.mean((w * x - y) ** 2)))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            opts = {k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")}
            for p in group["params"]:
                if p.grad is not None:
                    sgd_update(p, p.grad, self.state[p], **opts)
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
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                adam_update(p, p.grad, self.state[p], lr=group["lr"], beta1=beta1, beta2=beta2,
                            eps=group["eps"], weight_decay=group["weight_decay"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed = []
    s = 0.0
    for t, v in enumerate(values.tolist(), 1):
        s = beta * s + (1.0 - beta) * v
        smoothed.append(s / (1.0 - beta ** t) if bias_correction else s)
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
        self.x = torch.tensor(table[:, :-1], dtype=torch.float32)
        self.y = torch.tensor(table[:, -1:], dtype=torch.float32)

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return [fold.clone() for fold in torch.arange(n, dtype=torch.long).tensor_split(k)]
