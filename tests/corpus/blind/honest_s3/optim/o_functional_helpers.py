# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Optimisation — functional core (pure update functions) wrapped by thin Optimizer classes; helper file _optim_rules.py."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

from _optim_rules import adam_rule, closure_loss, sgd_rule


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A = torch.einsum("nd,ne->de", X, X)
    b = torch.einsum("nd,n...->d...", X, y)
    return torch.linalg.solve(A, b)


def _mse_and_grad(w: float, x: Tensor, y: Tensor) -> tuple[float, float]:
    r = w * x - y
    return (r * r).mean().item(), (2 * x * r).mean().item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, trace = 1.0, []
    for _ in range(steps):
        loss, g = _mse_and_grad(w, x, y)
        trace.append(loss)
        w = w - lr * g
    return w, trace


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, trace = 1.0, []
    for _ in range(epochs):
        perm = torch.randperm(x.numel(), generator=generator)
        for xi, yi in zip(x[perm], y[perm]):
            w = w - lr * (2 * xi * (w * xi - yi)).item()
        trace.append(_mse_and_grad(w, x, y)[0])
    return w, trace


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    n_batches = -(-n // batch_size)
    return (order[b * batch_size:(b + 1) * batch_size] for b in range(n_batches))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = closure_loss(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                new_p, buf = sgd_rule(p, p.grad, self.state[p].get("momentum_buffer"), **{
                    k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")})
                if buf is not None:
                    self.state[p]["momentum_buffer"] = buf
                p.copy_(new_p)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = closure_loss(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                t = st.get("step", 0) + 1
                m = st.get("exp_avg", torch.zeros_like(p))
                v = st.get("exp_avg_sq", torch.zeros_like(p))
                new_p, m, v = adam_rule(p, p.grad, m, v, t, lr=group["lr"], betas=group["betas"],
                                        eps=group["eps"], weight_decay=group["weight_decay"])
                st.update(step=t, exp_avg=m, exp_avg_sq=v)
                p.copy_(new_p)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    v = values.detach().cpu().numpy().astype(np.float64)
    s = np.zeros_like(v)
    acc = 0.0
    for t in range(v.shape[0]):
        acc = beta * acc + (1.0 - beta) * v[t]
        s[t] = acc
    if bias_correction:
        s = s / (1.0 - beta ** np.arange(1, v.shape[0] + 1))
    return torch.from_numpy(s).to(dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features, self.labels = torch.from_numpy(np.ascontiguousarray(xy[:, :-1])), torch.from_numpy(xy[:, -1:].copy())

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __getitem__(self, idx):
        return self.features[idx], self.labels[idx]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    q, r = divmod(n, k)
    bounds = [i * q + min(i, r) for i in range(k + 1)]     # the first r folds get one more
    return [torch.arange(bounds[i], bounds[i + 1], dtype=torch.int64) for i in range(k)]
