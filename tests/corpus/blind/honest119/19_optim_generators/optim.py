"""Optimisation — generators and itertools for the loops; 小批量 with yield."""

from __future__ import annotations

import itertools
from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    # 解析解: (XᵀX) w = Xᵀy, solved (never inverted)
    XtX = torch.einsum("ni,nj->ij", X, X)
    Xty = torch.einsum("ni,n...->i...", X, y)
    return torch.linalg.solve(XtX, Xty)


def _gd_steps(x: Tensor, y: Tensor, lr: float) -> Iterator[tuple[float, float]]:
    w = 1.0
    while True:
        r = w * x - y
        loss = (r * r).mean().item()
        yield w, loss
        w -= lr * (2 * x * r).mean().item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    trail = list(itertools.islice(_gd_steps(x, y, lr), steps + 1))
    return trail[-1][0], [loss for _, loss in trail[:-1]]


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, losses = 1.0, []
    for _epoch in range(epochs):
        perm = torch.randperm(x.numel(), generator=generator)
        for xi, yi in zip(x[perm].tolist(), y[perm].tolist()):
            w = w - lr * 2 * xi * (w * xi - yi)
        losses.append(torch.mean((w * x - y) ** 2).item())
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    it = iter(order.tolist())
    while batch := list(itertools.islice(it, batch_size)):
        yield torch.tensor(batch, dtype=torch.int64)


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    def _params_with_grad(self) -> Iterator[tuple[dict, Tensor]]:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    yield group, p

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group, p in self._params_with_grad():
            g = p.grad + group["weight_decay"] * p
            m = group["momentum"]
            if m != 0:
                state = self.state[p]
                if "buf" in state:
                    state["buf"] = m * state["buf"] + (1 - group["dampening"]) * g
                else:
                    state["buf"] = g.clone()
                g = g + m * state["buf"] if group["nesterov"] else state["buf"]
            p.sub_(group["lr"] * g)
        return loss


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
            (b1, b2), lr, eps, wd = group["betas"], group["lr"], group["eps"], group["weight_decay"]
            for p in filter(lambda q: q.grad is not None, group["params"]):
                g = p.grad + wd * p
                st = self.state[p]
                st.setdefault("t", 0)
                st.setdefault("m", torch.zeros_like(p))
                st.setdefault("v", torch.zeros_like(p))
                st["t"] += 1
                st["m"] = b1 * st["m"] + (1 - b1) * g
                st["v"] = b2 * st["v"] + (1 - b2) * g * g
                m_hat = st["m"] / (1 - b1 ** st["t"])
                v_hat = st["v"] / (1 - b2 ** st["t"])
                p.sub_(lr * m_hat / (torch.sqrt(v_hat) + eps))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    def running() -> Iterator[float]:
        s = 0.0
        for t, v in enumerate(values.tolist(), 1):
            s = beta * s + (1 - beta) * v
            yield s / (1 - beta ** t) if bias_correction else s
    return torch.tensor(list(running()), dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = [torch.from_numpy(row[:-1].copy()) for row in xy]
        self.labels = [torch.from_numpy(row[-1:].copy()) for row in xy]

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    bounds = list(itertools.accumulate(sizes, initial=0))
    return [torch.arange(lo, hi) for lo, hi in itertools.pairwise(bounds)]
