"""Optimisation — numpy for the scalar bookkeeping (lecture 2 style), gzip for the table."""

from __future__ import annotations

import gzip
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    lhs = torch.matmul(X.transpose(0, 1), X)
    rhs = torch.matmul(X.transpose(0, 1), y)
    return torch.linalg.solve(lhs, rhs)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    xs = x.detach().cpu().double().numpy()
    ys = y.detach().cpu().double().numpy()
    w = 1.0
    costs = []
    for _ in range(steps):
        costs.append(float(np.mean((w * xs - ys) ** 2)))
        w -= lr * float(np.mean(2 * xs * (w * xs - ys)))
    return w, costs


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    xs = x.detach().cpu().double().numpy()
    ys = y.detach().cpu().double().numpy()
    w = 1.0
    costs = []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).numpy():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        costs.append(float(np.mean((w * xs - ys) ** 2)))
    return float(w), costs


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = (torch.randperm(n, generator=generator) if shuffle else torch.arange(n)).numpy()
    for chunk in np.array_split(order, range(batch_size, n, batch_size)):
        yield torch.from_numpy(chunk).long()


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

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
                grad = p.grad.clone()
                if group["weight_decay"] != 0:
                    grad.add_(p, alpha=group["weight_decay"])
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = grad.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(grad, alpha=1 - group["dampening"])
                    if group["nesterov"]:
                        grad.add_(state["momentum_buffer"], alpha=group["momentum"])
                    else:
                        grad = state["momentum_buffer"]
                p.add_(grad, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

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
                g = p.grad if group["weight_decay"] == 0 else p.grad + group["weight_decay"] * p
                s = self.state[p]
                if "step" not in s:
                    s["step"], s["m"], s["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                s["step"] += 1
                s["m"].mul_(beta1).add_((1 - beta1) * g)
                s["v"].mul_(beta2).add_((1 - beta2) * g.square())
                corr1 = 1 - np.power(beta1, s["step"])
                corr2 = 1 - np.power(beta2, s["step"])
                p.add_(-group["lr"] * (s["m"] / corr1) / ((s["v"] / corr2).sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    v = values.detach().cpu().double().numpy()
    out = np.empty_like(v)
    s = 0.0
    for t in range(v.shape[0]):
        s = beta * s + (1 - beta) * v[t]
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return torch.from_numpy(out).to(device=values.device, dtype=values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        with gzip.open(path, "rt") as fh:
            table = np.loadtxt(fh, delimiter=",", dtype=np.float32)
        self.x_data = torch.from_numpy(table[:, :-1])
        self.y_data = torch.from_numpy(table[:, [-1]])
        self.len = table.shape[0]

    def __len__(self) -> int:
        return self.len

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return [torch.from_numpy(fold).to(torch.int64) for fold in np.array_split(np.arange(n), k)]
