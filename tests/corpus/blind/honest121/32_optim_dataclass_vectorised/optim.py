"""Optimisation — dataclass views of the param groups, a vectorised EMA (with a size switch),
and Adam's step counter kept as a tensor."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A = torch.einsum("nd,ne->de", X, X)
    b = torch.einsum("nd,n...->d...", X, y)
    return torch.linalg.solve(A, b)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> Tuple[float, List[float]]:
    w = 1.0
    curve: List[float] = []
    for _ in range(steps):
        r = w * x - y
        curve.append(r.pow(2).mean().item())
        w = w - lr * (2 * x * r).mean().item()
    return w, curve


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> Tuple[float, List[float]]:
    w = 1.0
    curve: List[float] = []
    for _ in range(epochs):
        for i in torch.randperm(x.shape[0], generator=generator).tolist():
            # the update in x's precision, as the tensor formula would compute it
            step = 2 * x[i] * (w * x[i] - y[i])
            w = w - lr * step.item()
        curve.append(((w * x - y) ** 2).mean().item())
    return w, curve


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    perm = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    starts = range(0, n, batch_size)
    return (perm[s:s + batch_size] for s in starts)


@dataclass
class SGDOptions:
    lr: float
    momentum: float
    dampening: float
    weight_decay: float
    nesterov: bool

    @classmethod
    def of(cls, group: Dict[str, Any]) -> "SGDOptions":
        return cls(group["lr"], group["momentum"], group["dampening"], group["weight_decay"], group["nesterov"])


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            o = SGDOptions.of(group)
            with_grad = [p for p in group["params"] if p.grad is not None]
            for p in with_grad:
                g = p.grad if o.weight_decay == 0 else p.grad + o.weight_decay * p
                if o.momentum != 0:
                    st = self.state[p]
                    if "momentum_buffer" in st:
                        st["momentum_buffer"] = o.momentum * st["momentum_buffer"] + (1 - o.dampening) * g
                    else:
                        st["momentum_buffer"] = g.clone()
                    b = st["momentum_buffer"]
                    g = g + o.momentum * b if o.nesterov else b
                p.add_(g, alpha=-o.lr)
        return loss


@dataclass(frozen=True)
class AdamOptions:
    lr: float
    beta1: float
    beta2: float
    eps: float
    weight_decay: float


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            o = AdamOptions(group["lr"], group["betas"][0], group["betas"][1], group["eps"], group["weight_decay"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=o.weight_decay) if o.weight_decay else p.grad
                st = self.state[p]
                if not st:
                    st["step"] = torch.zeros((), dtype=torch.float32, device=p.device)  # on p's device
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                t = int(st["step"].item())
                st["exp_avg"].mul_(o.beta1).add_(g, alpha=1 - o.beta1)
                st["exp_avg_sq"].mul_(o.beta2).addcmul_(g, g, value=1 - o.beta2)
                c1 = 1 - o.beta1 ** t
                c2 = 1 - o.beta2 ** t
                denom = st["exp_avg_sq"].sqrt() / (c2 ** 0.5) + o.eps
                p.addcdiv_(st["exp_avg"], denom, value=-o.lr / c1)
        return loss


SMALL_T = 512   # ema: the T×T weight matrix below this length, the recursion above


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    T = values.shape[0]
    if T <= SMALL_T:
        # sₜ = (1 − β)·Σ_{i ≤ t} β^(t − i)·vᵢ: one lower-triangular weight matrix, in float64
        t = torch.arange(1, T + 1, dtype=torch.float64, device=values.device)
        lag = t[:, None] - t[None, :]
        weights = torch.where(lag >= 0, (1 - beta) * torch.pow(torch.tensor(beta, dtype=torch.float64,
                              device=values.device), lag.clamp(min=0)), torch.zeros_like(lag))
        s = weights @ values.to(torch.float64)
        if bias_correction:
            s = s / (1 - beta ** t)
        return s.to(values.dtype)
    out = torch.empty_like(values)
    s = 0.0
    for i, v in enumerate(values.tolist()):
        s = beta * s + (1 - beta) * v
        out[i] = s / (1 - beta ** (i + 1)) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt") as fh:
            text = fh.read()
        table = np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.float32, ndmin=2)
        self.x = torch.from_numpy(table[:, :-1].copy())
        self.y = torch.from_numpy(table[:, -1:].copy())

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, idx: int) -> Tuple[Tensor, Tensor]:
        return self.x[idx], self.y[idx]


def k_fold_indices(n: int, k: int) -> List[Tensor]:
    bounds = [(i * n) // k for i in range(k + 1)]   # sizes differ by at most one...
    sizes = sorted((b - a for a, b in zip(bounds, bounds[1:])), reverse=True)  # ...larger ones first
    out, start = [], 0
    for s in sizes:
        out.append(torch.arange(start, start + s))
        start += s
    return out
