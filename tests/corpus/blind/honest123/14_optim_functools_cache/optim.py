"""Optimisation — functools / itertools flavoured, with cached bias-correction tables warmed at import."""

from __future__ import annotations

import functools
import itertools
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


@functools.lru_cache(maxsize=4096)
def bias_correction(beta: float, t: int) -> float:
    """1 − βᵗ, cached (Adam asks for the same few values step after step)."""
    return 1.0 - beta ** t


# warm the cache at import for torch's default betas over the first 100 steps
for beta_default, step_t in itertools.product((0.9, 0.999), range(1, 101)):
    bias_correction(beta_default, step_t)
assert bias_correction.cache_info().currsize >= 200


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    XtX = torch.einsum("nd,ne->de", X, X)
    if y.dim() == 1:
        Xty = torch.einsum("nd,n->d", X, y)
        return torch.linalg.solve(XtX, Xty.unsqueeze(-1)).squeeze(-1)
    Xty = torch.einsum("nd,nk->dk", X, y)
    return torch.linalg.solve(XtX, Xty)


def mse_at(w: float, x: Tensor, y: Tensor) -> float:
    return torch.mean(torch.square(x * w - y)).item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    def step(state: tuple[float, list[float]], _: int) -> tuple[float, list[float]]:
        w, losses = state
        losses.append(mse_at(w, x, y))
        grad = torch.mean(2 * x * (w * x - y)).item()
        return w - lr * grad, losses
    return functools.reduce(step, range(steps), (1.0, []))


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w = 1.0
    losses: list[float] = []
    n = len(x)
    for _ in range(epochs):
        for i in torch.randperm(n, generator=generator):
            w = w - lr * float(2 * x[i] * (w * x[i] - y[i]))
        losses.append(mse_at(w, x, y))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    starts = range(0, n, batch_size)
    return (order[s:s + batch_size] for s in starts)


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def update(self, p: Tensor, group: dict) -> None:
        g = p.grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        mu = group["momentum"]
        if mu:
            st = self.state[p]
            if "momentum_buffer" in st:
                buf = st["momentum_buffer"]
                buf.mul_(mu).add_((1 - group["dampening"]) * g)
            else:
                buf = st["momentum_buffer"] = g.detach().clone()
            g = g + mu * buf if group["nesterov"] else buf
        p.sub_(group["lr"] * g)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        params = ((p, g) for g in self.param_groups for p in g["params"] if p.grad is not None)
        for p, group in params:
            self.update(p, group)
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
            for p in filter(lambda q: q.grad is not None, group["params"]):
                g = p.grad if not group["weight_decay"] else p.grad.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                st["m"].mul_(beta1).add_(g, alpha=1 - beta1)
                st["v"].mul_(beta2).add_(g * g, alpha=1 - beta2)
                m_hat = st["m"] / bias_correction(beta1, t)
                v_hat = st["v"] / bias_correction(beta2, t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    # s_t via itertools.accumulate over the values (in float64 on the host)
    raw = itertools.accumulate(values.double().tolist(), lambda s, v: beta * s + (1 - beta) * v, initial=0.0)
    smoothed = list(raw)[1:]
    if bias_correction:
        smoothed = [s / (1 - beta ** t) for t, s in enumerate(smoothed, start=1)]
    return torch.tensor(smoothed, dtype=torch.float64, device=values.device).to(values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
        self.features = torch.tensor(xy[:, :-1])
        self.labels = torch.tensor(xy[:, [-1]])

    def __len__(self) -> int:
        return len(self.features)

    def __getitem__(self, idx: int) -> tuple[Tensor, Tensor]:
        return self.features[idx], self.labels[idx]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (1 if j < n % k else 0) for j in range(k)]
    bounds = list(itertools.accumulate(sizes, initial=0))
    return [torch.arange(lo, hi) for lo, hi in itertools.pairwise(bounds)]
