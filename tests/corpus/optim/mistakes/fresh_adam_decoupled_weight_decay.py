# mistake: weight decay applied to p directly (AdamW style) instead of added to g (breaks: g ← g + weight_decay·p)
# cause: Adam mistake:decoupled-decay
"""Optimisation exercises."""

from __future__ import annotations

import gzip
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    return torch.linalg.solve(X.T @ X, X.T @ y)


def gd_fit(x, y, lr, steps):
    w = torch.tensor(1.0, dtype=x.dtype)
    history = []
    for step in range(steps):
        pred = w * x
        history.append(float(torch.mean((pred - y) ** 2)))
        grad = torch.mean(2 * x * (pred - y))
        w = w - lr * grad
    return float(w), history


def sgd_fit(x, y, lr, epochs, generator=None):
    w, history = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * 2 * float(x[i]) * (w * float(x[i]) - float(y[i]))
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    yield from order.split(batch_size)


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"]:
                    g = g.add(p, alpha=group["weight_decay"])
                if group["momentum"]:
                    state = self.state[p]
                    if "buf" not in state:
                        state["buf"] = g.clone()
                    else:
                        state["buf"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buf = state["buf"]
                    g = g.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(g, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    """Moments kept as new tensors each step (no in-place state updates)."""

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
                grad = p.grad
                state = self.state[p]
                t = state.get("step", 0) + 1
                m = beta1 * state.get("exp_avg", torch.zeros_like(p)) + (1 - beta1) * grad
                v = beta2 * state.get("exp_avg_sq", torch.zeros_like(p)) + (1 - beta2) * grad * grad
                state.update(step=t, exp_avg=m, exp_avg_sq=v)
                denom = (v / (1 - beta2**t)).sqrt() + group["eps"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                p.addcdiv_(m / (1 - beta1**t), denom, value=-group["lr"])
        return loss


def ema(values, beta, bias_correction=True):
    s, out = 0.0, []
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(out, dtype=values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        with gzip.open(path, "rt") as fh:
            rows = [[float(v) for v in line.strip().split(",")] for line in fh if line.strip()]
        table = torch.tensor(rows, dtype=torch.float32)
        self.features, self.labels = table[:, :-1], table[:, -1:]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.features[index], self.labels[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return list(torch.arange(n).tensor_split(k))
