# mistake: gradient summed over samples, not averaged (breaks: w ← w − lr·mean(2·x·(w·x − y)))
# cause: gd_fit mistake:gradient-sum
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
    w, losses = 1.0, []
    for _ in range(steps):
        losses.append(((w * x - y) ** 2).mean().item())
        w = w - lr * (2 * x * (w * x - y)).sum().item()
    return w, losses


def sgd_fit(x, y, lr, epochs, generator=None):
    w, history = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * 2 * float(x[i]) * (w * float(x[i]) - float(y[i]))
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True, generator: torch.Generator | None = None) -> Iterator[Tensor]:
    if shuffle:
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.arange(n, dtype=torch.int64)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


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
