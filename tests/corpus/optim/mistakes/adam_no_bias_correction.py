# mistake: no bias correction of m and v (breaks: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ))
# cause: Adam mistake:no-bias-correction
"""Optimisation exercises."""

from __future__ import annotations

import gzip
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X, y):
    gram = X.mT @ X
    if y.ndim == 1:
        return torch.linalg.solve(gram, (X.mT @ y[:, None]))[:, 0]
    return torch.linalg.solve(gram, X.mT @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _ in range(steps):
        err = w * x - y
        losses.append((err ** 2).mean().item())
        w = w - lr * (2 * x * err).mean().item()
    return w, losses


def sgd_fit(x, y, lr, epochs, generator=None):
    w, history = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * 2 * float(x[i]) * (w * float(x[i]) - float(y[i]))
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history


def minibatch_indices(n, batch_size, shuffle=True, generator=None):
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    return iter(batches)


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
                m_hat = st["m"]
                v_hat = st["v"]
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values, beta, bias_correction=True):
    T = values.shape[0]
    t = torch.arange(T, dtype=torch.float64)
    weights = (1 - beta) * beta ** (t[:, None] - t[None, :])
    weights = torch.tril(weights)
    s = weights @ values.double()
    if bias_correction:
        s = s / (1 - beta ** (t + 1))
    return s.to(values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.from_numpy(xy[:, :-1])
        self.y = torch.from_numpy(xy[:, [-1]])

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return list(torch.arange(n).tensor_split(k))
