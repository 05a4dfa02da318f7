"""Optimisation — vectorised EMA, a dataclass for the fit history, functional helpers for the updates."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor


@dataclass
class FitHistory:
    w: float = 1.0
    losses: List[float] = field(default_factory=list)

    def as_tuple(self) -> Tuple[float, List[float]]:
        return float(self.w), list(self.losses)


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return torch.mean((w * x - y) ** 2).item()


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    return torch.linalg.solve(X.mT @ X, X.mT @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> Tuple[float, List[float]]:
    h = FitHistory()
    for _ in range(steps):
        h.losses.append(_mse(h.w, x, y))
        h.w -= lr * torch.mean(2 * x * (h.w * x - y)).item()
    return h.as_tuple()


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> Tuple[float, List[float]]:
    h = FitHistory()
    xs, ys = x.tolist(), y.tolist()
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            h.w -= lr * 2 * xs[i] * (h.w * xs[i] - ys[i])
        h.losses.append(_mse(h.w, x, y))
    return h.as_tuple()


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


def _sgd_update(p: Tensor, g: Tensor, state: Dict, group: Dict) -> None:
    if group["weight_decay"]:
        g = g + group["weight_decay"] * p
    mu = group["momentum"]
    if mu:
        if "momentum_buffer" in state:
            b = state["momentum_buffer"]
            b.mul_(mu).add_((1 - group["dampening"]) * g)
        else:
            b = state["momentum_buffer"] = g.detach().clone()
        g = g + mu * b if group["nesterov"] else b
    p.sub_(group["lr"] * g)


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    _sgd_update(p, p.grad, self.state[p], group)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in filter(lambda q: q.grad is not None, group["params"]):
                g = p.grad if not group["weight_decay"] else p.grad.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if "t" not in st:
                    st["t"], st["m"], st["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                st["t"] += 1
                st["m"] = beta1 * st["m"] + (1 - beta1) * g
                st["v"] = beta2 * st["v"] + (1 - beta2) * g * g
                bc1 = 1 - beta1 ** st["t"]
                bc2 = 1 - beta2 ** st["t"]
                denom = (st["v"] / bc2).sqrt() + group["eps"]
                p.addcdiv_(st["m"] / bc1, denom, value=-group["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    out = []
    s = torch.zeros((), dtype=values.dtype, device=values.device)
    for t, v in enumerate(values, start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - math.pow(beta, t)) if bias_correction else s)
    return torch.stack(out) if out else values.clone()


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.tensor(table[:, :-1])
        self.y = torch.tensor(table[:, -1:])

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> Tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> List[Tensor]:
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return list(torch.arange(n, dtype=torch.int64).split(sizes))


if __name__ == "__main__":
    import json

    x = torch.linspace(-1, 1, 50)
    y = 3 * x + 0.1 * torch.randn(50)
    w, losses = gd_fit(x, y, lr=0.1, steps=100)
    with open("gd_history.json", "w") as fh:
        json.dump({"w": w, "losses": losses}, fh)
    print("w =", w)
