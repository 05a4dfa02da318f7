"""Optimisation — optimisers written the way torch.optim writes them (step_size / denom), dataclass config."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram = X.mT @ X
    return torch.linalg.solve(gram, X.mT @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = torch.tensor(1.0, dtype=x.dtype, device=x.device)
    losses: list[float] = []
    for _ in range(steps):
        r = w * x - y
        losses.append(r.pow(2).mean().item())
        w = w - lr * (2 * x * r).mean()
    return w.item(), losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    xs, ys = x.tolist(), y.tolist()
    w = 1.0
    losses: list[float] = []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        losses.append(((w * x - y) ** 2).mean().item())
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    idx = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(idx, batch_size))


@dataclass
class SGDOptions:
    lr: float
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        opts = SGDOptions(lr, momentum, dampening, weight_decay, nesterov)
        super().__init__(params, asdict(opts))

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
                d_p = p.grad
                if group["weight_decay"]:
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if group["momentum"]:
                    buf = self.state[p].get("momentum_buffer")
                    if buf is None:
                        buf = self.state[p]["momentum_buffer"] = d_p.detach().clone()
                    else:
                        buf.mul_(group["momentum"]).add_(d_p, alpha=1 - group["dampening"])
                    d_p = d_p.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(d_p, alpha=-group["lr"])
        return loss


@dataclass
class AdamOptions:
    lr: float = 1e-3
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, asdict(AdamOptions(lr, tuple(betas), eps, weight_decay)))

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
                grad = p.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                step = state["step"].item()
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.lerp_(grad, 1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = group["lr"] / bias_correction1
                denom = (exp_avg_sq.sqrt() / math.sqrt(bias_correction2)).add_(group["eps"])
                p.addcdiv_(exp_avg, denom, value=-step_size)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    acc = torch.zeros((), dtype=torch.float64)
    smoothed = []
    for t, v in enumerate(values.double().cpu(), start=1):
        acc = beta * acc + (1 - beta) * v
        smoothed.append(acc / (1 - beta ** t) if bias_correction else acc)
    return torch.stack(smoothed).to(dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
        self.data = torch.tensor(table)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        row = self.data[index]
        return row[:-1], row[-1:]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return [chunk.clone() for chunk in torch.tensor_split(torch.arange(n), k)]
