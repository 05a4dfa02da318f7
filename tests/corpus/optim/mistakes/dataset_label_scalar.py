# mistake: label as a 0-dim tensor (breaks: label float32 (1,))
# cause: DiabetesDataset diabetes_dataset:shape
"""Optimisation exercises."""

from __future__ import annotations

import gzip
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X, y):
    A = X.transpose(0, 1) @ X
    rhs = X.transpose(0, 1) @ (y if y.dim() == 2 else y.unsqueeze(1))
    L = torch.linalg.cholesky(A)
    w = torch.cholesky_solve(rhs, L)
    return w if y.dim() == 2 else w.squeeze(1)


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


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True, generator: torch.Generator | None = None) -> Iterator[Tensor]:
    if shuffle:
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.arange(n, dtype=torch.int64)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


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
                grad = p.grad + group["weight_decay"] * p
                state = self.state[p]
                t = state.get("step", 0) + 1
                m = beta1 * state.get("exp_avg", torch.zeros_like(p)) + (1 - beta1) * grad
                v = beta2 * state.get("exp_avg_sq", torch.zeros_like(p)) + (1 - beta2) * grad * grad
                state.update(step=t, exp_avg=m, exp_avg_sq=v)
                denom = (v / (1 - beta2**t)).sqrt() + group["eps"]
                p.addcdiv_(m / (1 - beta1**t), denom, value=-group["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    out = torch.empty_like(values)
    s = torch.zeros((), dtype=values.dtype)
    for t in range(values.shape[0]):
        s = beta * s + (1 - beta) * values[t]
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path):
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.from_numpy(xy[:, :-1])
        self.y = torch.from_numpy(xy[:, -1])

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def k_fold_indices(n, k):
    base, extra = divmod(n, k)
    folds, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size))
        start += size
    return folds
