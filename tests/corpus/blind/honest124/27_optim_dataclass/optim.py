"""Optimisation — dataclass hyper-parameters, itertools for the EMA, a Cholesky solve."""

from __future__ import annotations

import functools
import itertools
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """(XᵀX) w = Xᵀy through the Cholesky factor of the (positive definite) Gram matrix."""
    gram = X.mT @ X
    rhs = X.mT @ (y.unsqueeze(-1) if y.dim() == 1 else y)
    chol = torch.linalg.cholesky(gram)
    w = torch.cholesky_solve(rhs, chol)
    return w.squeeze(-1) if y.dim() == 1 else w


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return ((w * x - y) ** 2).mean().item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = 1.0
    losses = []
    for _ in itertools.repeat(None, steps):
        losses.append(_mse(w, x, y))
        grad = (2 * x * (w * x - y)).mean().item()
        w -= lr * grad
    return float(w), losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    losses = []
    xs, ys = x.tolist(), y.tolist()
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            w = w - lr * 2 * xs[i] * (w * xs[i] - ys[i])
        losses.append(_mse(w, x, y))
    return float(w), losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


@dataclass
class SGDHyper:
    lr: float
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, asdict(SGDHyper(lr, momentum, dampening, weight_decay, nesterov)))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            hp = SGDHyper(**{k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")})
            for p in filter(lambda q: q.grad is not None, group["params"]):
                g = p.grad.clone()
                if hp.weight_decay:
                    g.add_(p, alpha=hp.weight_decay)
                if hp.momentum:
                    st = self.state[p]
                    if "momentum_buffer" in st:
                        st["momentum_buffer"].mul_(hp.momentum).add_(g, alpha=1 - hp.dampening)
                    else:
                        st["momentum_buffer"] = g.clone()
                    b = st["momentum_buffer"]
                    if hp.nesterov:
                        g.add_(b, alpha=hp.momentum)
                    else:
                        g = b
                p.sub_(hp.lr * g)
        return loss


@functools.lru_cache(maxsize=None)
def _one_minus_pow(beta: float, t: int) -> float:
    return 1 - beta ** t


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
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad if group["weight_decay"] == 0 else p.grad + group["weight_decay"] * p
                st = self.state[p]
                if "step" not in st:
                    st["step"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                st["m"].lerp_(g, 1 - beta1)
                st["v"].mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = st["m"] / _one_minus_pow(beta1, t)
                v_hat = st["v"] / _one_minus_pow(beta2, t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    raw = itertools.accumulate(values.tolist(), lambda s, v: beta * s + (1 - beta) * v, initial=0.0)
    smoothed = list(raw)[1:]
    if bias_correction:
        smoothed = [s / _one_minus_pow(beta, t) for t, s in enumerate(smoothed, start=1)]
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.float32))
        self.features, self.labels = table[:, :-1].contiguous(), table[:, -1:].contiguous()

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    bounds = list(itertools.accumulate(sizes, initial=0))
    return [torch.arange(a, b) for a, b in zip(bounds, bounds[1:])]
