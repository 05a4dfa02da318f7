# mistake: eps inside the square root (breaks: p ← p − lr·m̂ / (√v̂ + eps))
# cause: Adam mistake:eps-inside
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


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int, generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = torch.tensor(1.0, dtype=x.dtype)
    mses = []
    for epoch in range(epochs):
        order = torch.randperm(x.shape[0], generator=generator)
        for xi, yi in zip(x[order], y[order]):
            w = w - lr * 2 * xi * (w * xi - yi)
        mses.append(torch.mean((w * x - y) ** 2).item())
    return w.item(), mses


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    yield from order.split(batch_size)


class SGD(torch.optim.Optimizer):
    """Plain arithmetic on tensors, state keyed by parameter."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)

    def _update(self, p, group):
        d_p = p.grad + group["weight_decay"] * p
        mu = group["momentum"]
        if mu != 0:
            st = self.state[p]
            b = d_p.clone() if "momentum_buffer" not in st else mu * st["momentum_buffer"] + (1 - group["dampening"]) * d_p
            st["momentum_buffer"] = b
            d_p = d_p + mu * b if group["nesterov"] else b
        p.copy_(p - group["lr"] * d_p)

    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in (q for q in group["params"] if q.grad is not None):
                    self._update(p, group)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g + group["weight_decay"] * p
                st = self.state[p]
                if not st:
                    st["t"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                st["t"] += 1
                st["m"].mul_(b1).add_(g, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                m_hat = st["m"] / (1 - b1 ** st["t"])
                v_hat = st["v"] / (1 - b2 ** st["t"])
                p.sub_(group["lr"] * m_hat / (v_hat + group["eps"]).sqrt())
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


def k_fold_indices(n, k):
    base, extra = divmod(n, k)
    folds, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size))
        start += size
    return folds
