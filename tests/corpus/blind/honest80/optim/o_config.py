"""Optimisation with dataclass configs and a shared per-parameter update helper."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

W_INIT = 1.0


@dataclass
class FitResult:
    w: float = W_INIT
    history: list = field(default_factory=list)

    def as_tuple(self) -> tuple[float, list[float]]:
        return self.w, self.history


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return (w * x - y).pow(2).mean().item()


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A = X.transpose(0, 1) @ X
    return torch.linalg.solve(A, X.transpose(0, 1) @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    res = FitResult()
    for _ in range(steps):
        res.history.append(_mse(res.w, x, y))
        res.w = res.w - lr * (2 * x * (res.w * x - y)).mean().item()
    return res.as_tuple()


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    res = FitResult()
    xs, ys = x.tolist(), y.tolist()
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            res.w -= lr * 2 * xs[i] * (res.w * xs[i] - ys[i])
        res.history.append(_mse(res.w, x, y))
    return res.as_tuple()


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


@dataclass
class SGDConfig:
    lr: float
    momentum: float = 0
    dampening: float = 0
    weight_decay: float = 0
    nesterov: bool = False


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        cfg = SGDConfig(lr, momentum, dampening, weight_decay, nesterov)
        super().__init__(params, asdict(cfg))

    def _update(self, p: Tensor, group: dict) -> None:
        g = p.grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        if group["momentum"]:
            st = self.state[p]
            b = st.get("momentum_buffer")
            if b is None:
                b = g.detach().clone()
            else:
                b = group["momentum"] * b + (1 - group["dampening"]) * g
            st["momentum_buffer"] = b
            g = g + group["momentum"] * b if group["nesterov"] else b
        p.sub_(group["lr"] * g)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, group)
        return loss


class Adam(torch.optim.Optimizer):
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
            b1, b2 = group["betas"]
            for p in (q for q in group["params"] if q.grad is not None):
                g = p.grad + group["weight_decay"] * p
                st = self.state[p]
                if "t" not in st:
                    st["t"], st["m"], st["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                st["t"] += 1
                st["m"] = b1 * st["m"] + (1 - b1) * g
                st["v"] = b2 * st["v"] + (1 - b2) * g * g
                m_hat = st["m"] / (1 - b1 ** st["t"])
                v_hat = st["v"] / (1 - b2 ** st["t"])
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    s = values.new_zeros(())
    out = torch.empty_like(values)
    for t in range(values.shape[0]):
        s = beta * s + (1 - beta) * values[t]
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        data = torch.tensor(np.loadtxt(path, delimiter=",", dtype=np.float32))
        self.x, self.y = data[:, :-1], data[:, -1:]

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return list(torch.split(torch.arange(n), sizes))
