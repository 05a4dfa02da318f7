"""Optimisation — plain version: normal equations, GD/SGD loops, hand-written SGD and Adam."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Solve (XᵀX) w = Xᵀy."""
    xt = X.transpose(0, 1)
    return torch.linalg.solve(xt @ X, xt @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Full-batch GD on y ≈ w·x from w = 1."""
    w = 1.0
    history: list[float] = []
    for _ in range(steps):
        r = w * x - y
        history.append(float((r * r).mean()))
        w = w - lr * float((2 * x * r).mean())
    return w, history


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """One update per sample, order from randperm each epoch."""
    w = 1.0
    n = x.shape[0]
    history: list[float] = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for i in order.tolist():
            xi, yi = float(x[i]), float(y[i])
            w -= lr * 2 * xi * (w * xi - yi)
        history.append(float(((w * x - y) ** 2).mean()))
    return w, history


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Consecutive slices of one epoch's order."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


class SGD(torch.optim.Optimizer):
    """SGD with momentum, dampening, Nesterov and weight decay (torch's update rule)."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if lr < 0:
            raise ValueError(f"invalid learning rate {lr}")
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
            lr = group["lr"]
            mom = group["momentum"]
            damp = group["dampening"]
            wd = group["weight_decay"]
            nest = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if wd != 0:
                    d_p = d_p.add(p, alpha=wd)
                if mom != 0:
                    st = self.state[p]
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = torch.clone(d_p).detach()
                        st["momentum_buffer"] = buf
                    else:
                        buf.mul_(mom).add_(d_p, alpha=1 - damp)
                    d_p = d_p.add(buf, alpha=mom) if nest else buf
                p.add_(d_p, alpha=-lr)
        return loss


class Adam(torch.optim.Optimizer):
    """Adam with bias correction and L2 weight decay added to the gradient."""

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
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                if group["weight_decay"] != 0:
                    g = g.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                m, v = st["exp_avg"], st["exp_avg_sq"]
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                bc1 = 1 - b1 ** t
                bc2 = 1 - b2 ** t
                denom = (v.sqrt() / math.sqrt(bc2)).add_(group["eps"])
                p.addcdiv_(m, denom, value=-group["lr"] / bc1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """sₜ = β·sₜ₋₁ + (1 − β)·vₜ, divided by 1 − βᵗ when corrected."""
    out = torch.empty_like(values)
    s = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        out[t - 1] = s / (1 - beta ** t) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    """The lecture's table: features then the label, read once."""

    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:, :-1])
        self.y_data = torch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.x_data[index], self.y_data[index]

    def __len__(self) -> int:
        return self.len


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Contiguous folds: the first n % k hold one more index."""
    base, extra = divmod(n, k)
    folds, start = [], 0
    for i in range(k):
        size = base + (1 if i < extra else 0)
        folds.append(torch.arange(start, start + size, dtype=torch.int64))
        start += size
    return folds
