# mistake: delegates the update to torch.optim.SGD's step (breaks: off limits: torch.optim's optimisers)
# cause: SGD twin
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


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _ in range(steps):
        err = w * x - y
        losses.append((err ** 2).mean().item())
        w = w - lr * (2 * x * err).mean().item()
    return w, losses


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


class SGD(torch.optim.SGD):
    def __init__(self, params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)


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
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    out = torch.empty_like(values)
    s = torch.zeros((), dtype=values.dtype)
    for t in range(values.shape[0]):
        s = beta * s + (1 - beta) * values[t]
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.from_numpy(xy[:, :-1])
        self.y = torch.from_numpy(xy[:, [-1]])

    def __len__(self) -> int:
        return self.x.shape[0]

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
