"""Optimisation — my answers."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    return torch.linalg.solve(X.T @ X, X.T @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    losses = []
    for _ in range(steps):
        losses.append(((w * x - y) ** 2).mean().item())
        grad = (2 * x * (w * x - y)).mean().item()
        w -= lr * grad
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    n = len(x)
    history = []
    for _ in range(epochs):
        for i in torch.randperm(n, generator=generator):
            xi, yi = x[i].item(), y[i].item()
            w -= lr * 2 * xi * (w * xi - yi)
        history.append(((w * x - y) ** 2).mean().item())
    return w, history


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

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
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g + group["weight_decay"] * p
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        buf = g.clone().detach()
                        state["momentum_buffer"] = buf
                    else:
                        buf = state["momentum_buffer"]
                        buf.mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    if group["nesterov"]:
                        g = g + group["momentum"] * buf
                    else:
                        g = buf
                p.add_(g, alpha=-group["lr"])
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
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = m / (1 - beta1 ** t)
                v_hat = v / (1 - beta2 ** t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    out = torch.empty_like(values)
    s = 0.0
    for t in range(len(values)):
        s = beta * s + (1 - beta) * values[t].item()
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    base, extra = divmod(n, k)
    folds, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size))
        start += size
    return folds
