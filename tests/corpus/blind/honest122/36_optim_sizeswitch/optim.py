"""Optimisation exercises; ema switches between a vectorised formula (short curves) and a loop (long ones)."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

EMA_VECTORISED_MAX = 512


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    LU, pivots = torch.linalg.lu_factor(X.mT @ X)
    b = X.mT @ y
    if b.dim() == 1:
        return torch.linalg.lu_solve(LU, pivots, b[:, None])[:, 0]
    return torch.linalg.lu_solve(LU, pivots, b)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    mses: list[float] = []
    for _ in range(steps):
        err = x * w - y
        mses.append(err.pow(2).mean().item())
        w -= lr * (2 * x * err).mean().item()
    return w, mses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    mses: list[float] = []
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0], generator=generator)
        for xi, yi in zip(x[perm], y[perm]):
            w -= lr * (2 * xi * (w * xi - yi)).item()
        mses.append((x * w - y).pow(2).mean().item())
    return w, mses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    cuts = list(range(batch_size, n, batch_size))
    yield from order.tensor_split(cuts) if n > 0 else ()


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _direction(self, p: Tensor, group: dict) -> Tensor:
        g = p.grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        mu = group["momentum"]
        if not mu:
            return g
        state = self.state[p]
        if "momentum_buffer" in state:
            buf = state["momentum_buffer"]
            buf.mul_(mu).add_(g, alpha=1 - group["dampening"])
        else:
            buf = state["momentum_buffer"] = g.clone()
        return g + mu * buf if group["nesterov"] else buf

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            with_grad = [p for p in group["params"] if p.grad is not None]
            directions = [self._direction(p, group) for p in with_grad]
            for p, d in zip(with_grad, directions):
                p.add_(d, alpha=-group["lr"])
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
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                grad = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                state["step"] += 1
                step = state["step"]
                state["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                state["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias1 = 1 - beta1 ** step
                bias2 = 1 - beta2 ** step
                denom = (state["exp_avg_sq"] / bias2).sqrt() + group["eps"]
                p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / bias1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    T = values.shape[0]
    if T == 0:
        return values.clone()
    if T <= EMA_VECTORISED_MAX:
        # s_t = (1 - beta) * sum_{i <= t} beta^(t - i) v_i, as one lower-triangular matrix product
        v = values.to(torch.float64)
        t = torch.arange(T, device=values.device)
        lag = (t[:, None] - t[None, :]).to(torch.float64)
        weights = torch.where(lag >= 0, beta ** lag.clamp(min=0), torch.zeros_like(lag)) * (1 - beta)
        s = weights @ v
        if bias_correction:
            s = s / (1 - beta ** (t + 1).to(torch.float64))
        return s.to(values.dtype)
    out = torch.empty(T, dtype=torch.float64)
    s = 0.0
    for i, v in enumerate(values.tolist()):
        s = beta * s + (1 - beta) * v
        out[i] = s / (1 - beta ** (i + 1)) if bias_correction else s
    return out.to(dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        data = np.genfromtxt(path, delimiter=",", dtype=np.float32)
        data = np.atleast_2d(data)
        self.inputs = torch.as_tensor(data[:, :-1])
        self.targets = torch.as_tensor(data[:, -1:])

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, idx: int) -> tuple[Tensor, Tensor]:
        return self.inputs[idx], self.targets[idx]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (i < n % k) for i in range(k)]
    return list(torch.arange(n).split(sizes))
