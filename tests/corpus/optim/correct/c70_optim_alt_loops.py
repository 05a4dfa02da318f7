# correct: normal equations by Cholesky (cholesky + cholesky_solve); gd/sgd gradients via sum/len; minibatches by index slicing in a while loop; ema on 0-dim tensors with a vector correction; dataset converting per item; k folds from explicit sizes
"""Optimisation — reference solution. The specification is the docstrings in exercises/optim.py."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Solve (XᵀX) w = Xᵀy."""
    gram = X.T @ X
    rhs = X.T @ y
    L = torch.linalg.cholesky(gram)
    w = torch.cholesky_solve(rhs.reshape(X.shape[1], -1), L)
    return w.reshape(rhs.shape)


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return float(((w * x - y) ** 2).mean())


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Record the loss, then step against the full-batch gradient."""
    w, losses = 1.0, []
    for _ in range(steps):
        losses.append(_mse(w, x, y))
        residual = w * x - y
        w = w - lr * (2 * x * residual).sum().item() / len(x)
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """One update per sample, in a fresh random order each epoch."""
    w, losses = 1.0, []
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=generator)
        for xi, yi in zip(x[perm].tolist(), y[perm].tolist()):
            w = w - lr * 2 * xi * (w * xi - yi)
        losses.append(_mse(w, x, y))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Slices of one epoch's order."""
    if shuffle:
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.arange(n)
    start = 0
    while start < n:
        yield order[start:start + batch_size]
        start += batch_size


class SGD(torch.optim.Optimizer):
    """Momentum, dampening, Nesterov, weight decay."""

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
                g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad
                if group["momentum"]:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = g.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(g, alpha=1 - group["dampening"])
                    buffer = state["momentum_buffer"]
                    g = g + group["momentum"] * buffer if group["nesterov"] else buffer
                p.add_(g, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    """Bias-corrected running means of g and g²."""

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
                g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad
                state = self.state[p]
                if not state:
                    state.update(step=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
                state["step"] += 1
                state["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                state["v"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = state["m"] / (1 - beta1 ** state["step"])
                v_hat = state["v"] / (1 - beta2 ** state["step"])
                p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """The recursion on 0-dim tensors, stacked; correction by a vector of 1 − βᵗ."""
    s = torch.zeros((), dtype=values.dtype, device=values.device)
    smoothed = []
    for v in values:
        s = beta * s + (1 - beta) * v
        smoothed.append(s)
    out = torch.stack(smoothed) if smoothed else values.clone()
    if bias_correction and len(smoothed):
        steps = torch.arange(1, len(values) + 1, dtype=values.dtype, device=values.device)
        out = out / (1 - beta ** steps)
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    """Rows of the lecture's table: features, then the label."""

    def __init__(self, path: str) -> None:
        self.xy = np.loadtxt(path, delimiter=",", dtype=np.float32)

    def __len__(self) -> int:
        return self.xy.shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        row = self.xy[index]
        return torch.tensor(row[:-1]), torch.tensor(row[-1:])


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Consecutive chunks of range(n)."""
    folds, start = [], 0
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(torch.arange(start, start + size, dtype=torch.int64))
        start += size
    return folds
