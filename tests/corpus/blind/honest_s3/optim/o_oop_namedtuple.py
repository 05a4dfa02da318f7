# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Optimisation — OOP: NamedTuple hyper-parameters, a shared base class, own state names."""

from __future__ import annotations

import math
from typing import Callable, Iterable, Iterator, NamedTuple

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    # XᵀX is symmetric positive definite here: Cholesky factor, then two triangular solves
    gram = X.mT @ X
    rhs = X.mT @ y
    L = torch.linalg.cholesky(gram)
    squeeze = rhs.dim() == 1
    w = torch.cholesky_solve(rhs.unsqueeze(-1) if squeeze else rhs, L)
    return w.squeeze(-1) if squeeze else w


class _Line(NamedTuple):
    x: Tensor
    y: Tensor

    def mse(self, w: float) -> float:
        return float(((w * self.x - self.y) ** 2).mean())

    def grad(self, w: float) -> float:
        return float((2 * self.x * (w * self.x - self.y)).mean())


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    data, w, hist = _Line(x, y), 1.0, []
    for _ in range(steps):
        hist.append(data.mse(w))
        w -= lr * data.grad(w)
    return w, hist


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    data, w, hist = _Line(x, y), 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(x.shape[0], generator=generator):
            w -= lr * _Line(x[i], y[i]).grad(w)
        hist.append(data.mse(w))
    return w, hist


class _Batches:
    """An iterable over one epoch's index batches."""

    def __init__(self, order: Tensor, size: int) -> None:
        self.order, self.size = order, size

    def __iter__(self) -> Iterator[Tensor]:
        return iter(torch.split(self.order, self.size))


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n, dtype=torch.int64)
    return iter(_Batches(order, batch_size))


class SGDHyper(NamedTuple):
    lr: float
    momentum: float
    dampening: float
    weight_decay: float
    nesterov: bool


class AdamHyper(NamedTuple):
    lr: float
    betas: tuple
    eps: float
    weight_decay: float


class _ClosureMixin:
    @staticmethod
    def _call(closure):
        if closure is None:
            return None
        with torch.enable_grad():
            return closure()


class SGD(_ClosureMixin, torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        torch.optim.Optimizer.__init__(self, params, SGDHyper(lr, momentum, dampening, weight_decay, nesterov)._asdict())

    def _update(self, p: Tensor, h: SGDHyper) -> None:
        d_p = p.grad.add(p, alpha=h.weight_decay) if h.weight_decay else p.grad.clone()
        if h.momentum:
            st = self.state[p]
            if "velocity" in st:
                st["velocity"].mul_(h.momentum).add_(d_p, alpha=1 - h.dampening)
            else:
                st["velocity"] = d_p.clone()
            d_p = d_p.add(st["velocity"], alpha=h.momentum) if h.nesterov else st["velocity"]
        p.add_(d_p, alpha=-h.lr)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = self._call(closure)
        for group in self.param_groups:
            h = SGDHyper(group["lr"], group["momentum"], group["dampening"], group["weight_decay"], group["nesterov"])
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, h)
        return loss


class Adam(_ClosureMixin, torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        torch.optim.Optimizer.__init__(self, params, AdamHyper(lr, betas, eps, weight_decay)._asdict())

    def _update(self, p: Tensor, h: AdamHyper) -> None:
        b1, b2 = h.betas
        g = p.grad + h.weight_decay * p if h.weight_decay else p.grad
        st = self.state[p]
        if not st:
            st["t"] = 0
            st["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            st["v"] = torch.zeros_like(p, memory_format=torch.preserve_format)
        st["t"] += 1
        st["m"].lerp_(g, 1 - b1)                      # m ← β₁m + (1 − β₁)g
        st["v"].mul_(b2).addcmul_(g, g, value=1 - b2)
        c1 = 1 - b1 ** st["t"]
        c2 = 1 - b2 ** st["t"]
        denom = (st["v"] / c2).sqrt().add_(h.eps)
        p.addcdiv_(st["m"] / c1, denom, value=-h.lr)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = self._call(closure)
        for group in self.param_groups:
            h = AdamHyper(group["lr"], group["betas"], group["eps"], group["weight_decay"])
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, h)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed, s = [], 0.0
    for t, v in enumerate(values.tolist(), 1):
        s = beta * s + (1 - beta) * v
        smoothed.append(s / (1 - beta ** t) if bias_correction else s)
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.table = torch.tensor(np.loadtxt(path, delimiter=",", dtype=np.float32))

    def __len__(self) -> int:
        return self.table.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        row = self.table[i]
        return row[:-1], row[-1:]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (i < n % k) for i in range(k)]
    return list(torch.split(torch.arange(n), sizes))
