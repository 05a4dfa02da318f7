"""Optimisation — a vectorised take where it is easy (closed form ema for short curves)."""

from __future__ import annotations

import itertools
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

EMA_MATRIX_MAX = 2048   # up to this length build the T×T weight matrix, beyond it run the recursion


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram = torch.einsum("ni,nj->ij", X, X)
    rhs = torch.einsum("ni,n...->i...", X, y)
    return torch.linalg.solve(gram, rhs)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    xs = x.double().numpy(force=True)
    ys = y.double().numpy(force=True)
    w = 1.0
    hist = []
    for _ in range(steps):
        r = w * xs - ys
        hist.append(float(np.mean(r * r)))
        w -= lr * float(np.mean(2 * xs * r))
    return w, hist


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    xs = x.double().numpy(force=True)
    ys = y.double().numpy(force=True)
    w = 1.0
    hist = []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).numpy():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        hist.append(float(np.mean((w * xs - ys) ** 2)))
    return float(w), hist


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    perm = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    chunks = perm.split(batch_size)
    yield from chunks


class SGD(torch.optim.Optimizer):
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
            params = [p for p in group["params"] if p.grad is not None]
            for p in params:
                grad = p.grad.clone()
                if group["weight_decay"]:
                    grad += group["weight_decay"] * p
                if group["momentum"]:
                    state = self.state[p]
                    if "momentum_buffer" in state:
                        state["momentum_buffer"] = (group["momentum"] * state["momentum_buffer"]
                                                    + (1 - group["dampening"]) * grad)
                    else:
                        state["momentum_buffer"] = grad.clone()
                    buf = state["momentum_buffer"]
                    grad = grad + group["momentum"] * buf if group["nesterov"] else buf
                p -= group["lr"] * grad
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
        for group, p in itertools.chain.from_iterable(
                ((g, p) for p in g["params"]) for g in self.param_groups):
            if p.grad is None:
                continue
            beta1, beta2 = group["betas"]
            g = p.grad + group["weight_decay"] * p if group["weight_decay"] else p.grad
            st = self.state[p]
            t = st.get("step", 0) + 1
            m = beta1 * st.get("exp_avg", torch.zeros_like(p)) + (1 - beta1) * g
            v = beta2 * st.get("exp_avg_sq", torch.zeros_like(p)) + (1 - beta2) * g ** 2
            st["step"], st["exp_avg"], st["exp_avg_sq"] = t, m, v
            p -= group["lr"] * (m / (1 - beta1 ** t)) / ((v / (1 - beta2 ** t)).sqrt() + group["eps"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    T = values.shape[0]
    v64 = values.to(torch.float64)
    if T <= EMA_MATRIX_MAX:
        t = torch.arange(1, T + 1, dtype=torch.float64, device=values.device)
        lag = t[:, None] - t[None, :]                       # t - i
        weights = torch.where(lag >= 0, (1 - beta) * beta ** lag.clamp(min=0), torch.zeros_like(lag))
        s = weights @ v64
        if bias_correction:
            s = s / (1 - beta ** t)
    else:
        out, acc = [], 0.0
        for t, v in enumerate(v64.tolist(), 1):
            acc = beta * acc + (1 - beta) * v
            out.append(acc / (1 - beta ** t) if bias_correction else acc)
        s = torch.tensor(out, dtype=torch.float64, device=values.device)
    return s.to(values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        data = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.X, self.y = data[:, :-1], data[:, -1:]

    def __len__(self) -> int:
        return len(self.X)

    def __getitem__(self, i):
        return torch.from_numpy(self.X[i]), torch.from_numpy(self.y[i])


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    bounds = np.linspace(0, n, k + 1)
    sizes = [n // k + (i < n % k) for i in range(k)]
    edges = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    assert len(edges) == len(bounds)
    return [torch.arange(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:])]
