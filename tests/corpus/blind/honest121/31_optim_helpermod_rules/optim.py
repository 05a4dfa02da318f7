"""Optimisation — the update rules live in a helper module (update_rules) beside this file."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

from update_rules import adam_update, sgd_update


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    # XᵀX is symmetric positive definite for well-conditioned X: Cholesky, then two triangular solves
    gram = X.mT @ X
    L = torch.linalg.cholesky(gram)
    rhs = X.mT @ y
    if y.dim() == 1:
        return torch.cholesky_solve(rhs.unsqueeze(-1), L).squeeze(-1)
    return torch.cholesky_solve(rhs, L)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _ in range(steps):
        pred = x * w
        losses.append(torch.mean((pred - y) ** 2).item())
        w -= lr * torch.mean(2 * x * (pred - y)).item()
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=generator)
        for i in perm:
            w -= lr * (2 * x[i] * (w * x[i] - y[i])).item()
        losses.append(((w * x - y) ** 2).mean().item())
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
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
                if p.grad is not None:
                    sgd_update(p, p.grad, self.state[p], lr=group["lr"], momentum=group["momentum"],
                               dampening=group["dampening"], weight_decay=group["weight_decay"],
                               nesterov=group["nesterov"])
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
                    adam_update(p, p.grad, self.state[p], lr=group["lr"], beta1=b1, beta2=b2,
                                eps=group["eps"], weight_decay=group["weight_decay"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    result = []
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1.0 - beta) * v
        result.append(s / (1.0 - beta ** t) if bias_correction else s)
    return torch.tensor(result, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = torch.as_tensor(np.loadtxt(path, delimiter=",", dtype=np.float32))
        self.features, self.labels = table[:, :-1].contiguous(), table[:, -1:].contiguous()

    def __len__(self) -> int:
        return self.features.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.features[i], self.labels[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return list(torch.arange(n, dtype=torch.int64).split(sizes))
