"""Optimisation with dataclasses for the hyper-parameters and a property-based dataset."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


@dataclass(frozen=True)
class SGDConfig:
    lr: float
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


@dataclass(frozen=True)
class AdamConfig:
    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    Xt = X.mT
    return torch.linalg.solve(torch.mm(Xt, X), Xt @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = torch.tensor(1.0, dtype=torch.float64)
    xd, yd = x.double(), y.double()
    losses = []
    for _ in range(steps):
        r = w * xd - yd
        losses.append(float((r ** 2).mean()))
        w = w - lr * (2 * xd * r).mean()
    return float(w), losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    losses = []
    for _ in range(epochs):
        idx = torch.randperm(len(x), generator=generator)
        for i in idx.tolist():
            xi, yi = float(x[i]), float(y[i])
            w = w - lr * 2 * xi * (w * xi - yi)
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    perm = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return (perm[i:i + batch_size] for i in range(0, n, batch_size))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        cfg = SGDConfig(lr, momentum, dampening, weight_decay, nesterov)
        super().__init__(params, asdict(cfg))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            cfg = SGDConfig(**{k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")})
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=cfg.weight_decay) if cfg.weight_decay else p.grad
                if cfg.momentum:
                    st = self.state[p]
                    if "momentum_buffer" in st:
                        st["momentum_buffer"].mul_(cfg.momentum).add_(g, alpha=1 - cfg.dampening)
                    else:
                        st["momentum_buffer"] = g.clone().detach()
                    b = st["momentum_buffer"]
                    g = g.add(b, alpha=cfg.momentum) if cfg.nesterov else b
                p.add_(g, alpha=-cfg.lr)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, asdict(AdamConfig(lr, betas, eps, weight_decay)))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            (b1, b2), lr, eps, wd = group["betas"], group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad if wd == 0 else p.grad + wd * p
                st = self.state[p]
                if len(st) == 0:
                    st["step"], st["m"], st["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                st["step"] += 1
                st["m"].mul_(b1).add_(g, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
                denom = (st["v"] / (1 - b2 ** st["step"])).sqrt() + eps
                p.addcdiv_(st["m"], denom, value=-lr / (1 - b1 ** st["step"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    result = torch.empty_like(values)
    running = 0.0
    for t in range(1, values.numel() + 1):
        running = beta * running + (1 - beta) * float(values[t - 1])
        result[t - 1] = running / (1 - beta ** t) if bias_correction else running
    return result


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        self._xy = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.float32))

    @property
    def features(self) -> Tensor:
        return self._xy[:, :-1]

    @property
    def labels(self) -> Tensor:
        return self._xy[:, [-1]]

    @property
    def num_features(self) -> int:
        return self._xy.shape[1] - 1

    def __len__(self) -> int:
        return self._xy.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.features[i], self.labels[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    bounds = [i * (n // k) + min(i, n % k) for i in range(k + 1)]
    return [torch.arange(lo, hi) for lo, hi in zip(bounds, bounds[1:])]
