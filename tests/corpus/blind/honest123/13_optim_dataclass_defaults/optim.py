"""Optimisation — classes, a dataclass of hyper-parameters, defaults computed at definition."""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

# computed once at import and used as default arguments
DEFAULT_BETAS: tuple[float, float] = (1 - 1e-1, 1 - 1e-3)
DEFAULT_EPS: float = float(np.float64(10.0) ** -8)
INDEX_DTYPE: torch.dtype = torch.arange(1).dtype          # int64, as torch makes indices


@dataclasses.dataclass(frozen=True)
class SGDConfig:
    lr: float
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram = X.T @ X
    rhs = X.T @ y
    return torch.linalg.solve(gram, rhs)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    history: list[float] = []
    for _ in range(steps):
        residual = w * x - y
        history.append(residual.pow(2).mean().item())
        w = w - lr * (2 * x * residual).mean().item()
    return w, history


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    n = x.shape[0]
    history: list[float] = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        for i in order.tolist():
            xi, yi = x[i].item(), y[i].item()
            w -= lr * 2 * xi * (w * xi - yi)
        history.append(((w * x - y) ** 2).mean().item())
    return w, history


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n, dtype=INDEX_DTYPE)
    start = 0
    while start < n:
        yield order[start:start + batch_size]
        start += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        config = SGDConfig(lr, momentum, dampening, weight_decay, nesterov)
        super().__init__(params, dataclasses.asdict(config))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            cfg = SGDConfig(**{f.name: group[f.name] for f in dataclasses.fields(SGDConfig)})
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if cfg.weight_decay != 0:
                    d_p = d_p.add(p, alpha=cfg.weight_decay)
                if cfg.momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = torch.clone(d_p).detach()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(cfg.momentum).add_(d_p, alpha=1 - cfg.dampening)
                    d_p = d_p.add(buf, alpha=cfg.momentum) if cfg.nesterov else buf
                p.add_(d_p, alpha=-cfg.lr)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = DEFAULT_BETAS,
                 eps: float = DEFAULT_EPS, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay})

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
                    g = g + group["weight_decay"] * p
                st = self.state[p]
                if len(st) == 0:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    st["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["step"] += 1
                t = st["step"]
                st["exp_avg"].lerp_(g, 1 - b1)
                st["exp_avg_sq"].mul_(b2).addcmul_(g, g, value=1 - b2)
                bc1 = 1 - b1 ** t
                bc2 = 1 - b2 ** t
                denom = (st["exp_avg_sq"] / bc2).sqrt().add_(group["eps"])
                p.addcdiv_(st["exp_avg"], denom, value=-group["lr"] / bc1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    s = 0.0
    out: list[float] = []
    for t, v in enumerate(values.tolist(), 1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta ** t) if bias_correction else s)
    return torch.tensor(out, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        table = np.atleast_2d(table)
        self.x = torch.from_numpy(np.ascontiguousarray(table[:, :-1]))
        self.y = torch.from_numpy(np.ascontiguousarray(table[:, -1:]))

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    base, extra = divmod(n, k)
    folds, start = [], 0
    for j in range(k):
        size = base + (1 if j < extra else 0)
        folds.append(torch.arange(start, start + size, dtype=INDEX_DTYPE))
        start += size
    return folds
