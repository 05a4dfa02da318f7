# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Optimisation — terse; ema in closed form with a lower-triangular weight matrix."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    return torch.linalg.solve(X.T.matmul(X), X.T.matmul(y))


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w, hist = 1.0, []
    for _ in range(steps):
        r = w * x - y
        hist.append(r.pow(2).mean().item())
        w -= lr * r.mul(x).mul(2).mean().item()
    return w, hist


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, hist = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(x), generator=generator).tolist():
            w -= lr * (2 * x[i] * (w * x[i] - y[i])).item()
        hist.append((w * x - y).square().mean().item())
    return w, hist


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    yield from (torch.randperm(n, generator=generator) if shuffle else torch.arange(n)).split(batch_size)


class _Base(torch.optim.Optimizer):
    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        with torch.enable_grad():
            loss = closure() if closure else None
        for group in self.param_groups:
            for p in filter(lambda q: q.grad is not None, group["params"]):
                self._one(p, p.grad.add(p, alpha=group["weight_decay"]), group, self.state[p])
        return loss


class SGD(_Base):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov))

    def _one(self, p, g, grp, st):
        mu = grp["momentum"]
        if mu:
            b = st["momentum_buffer"] = g.clone() if "momentum_buffer" not in st else                 st["momentum_buffer"].mul_(mu).add_(g, alpha=1 - grp["dampening"])
            g = g.add(b, alpha=mu) if grp["nesterov"] else b
        p.add_(g, alpha=-grp["lr"])


class Adam(_Base):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    def _one(self, p, g, grp, st):
        (b1, b2), st["n"] = grp["betas"], st.get("n", 0) + 1
        m = st["mean"] = st.get("mean", torch.zeros_like(p)).mul(b1).add(g, alpha=1 - b1)
        v = st["sq"] = st.get("sq", torch.zeros_like(p)).mul(b2).add(g * g, alpha=1 - b2)
        p.sub_(grp["lr"] * (m / (1 - b1 ** st["n"])) / ((v / (1 - b2 ** st["n"])).sqrt() + grp["eps"]))


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    # s_t = (1 − β) Σ_{i ≤ t} β^(t−i) v_i  — one lower-triangular matrix-vector product
    T = values.shape[0]
    t = torch.arange(T, device=values.device, dtype=torch.float64)
    lag = (t[:, None] - t[None, :]).clamp(min=0)
    W = torch.tril((1 - beta) * torch.tensor(beta, dtype=torch.float64, device=values.device) ** lag)
    s = W @ values.to(torch.float64)
    if bias_correction:
        s = s / (1 - beta ** (t + 1))
    return s.to(values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = torch.from_numpy(np.loadtxt(path, delimiter=",", dtype=np.float32))
        self.x, self.y = xy[:, :-1], xy[:, [-1]]

    __len__ = lambda self: len(self.y)  # noqa: E731

    def __getitem__(self, i):
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return list(torch.arange(n, dtype=torch.long).chunk(k)) if n % k == 0 and n >= k else         [torch.arange(n)[i * (n // k) + min(i, n % k):(i + 1) * (n // k) + min(i + 1, n % k)] for i in range(k)]
