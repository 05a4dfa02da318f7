"""Optimisation — closures for the update rules, annotations throughout, a demo under __main__."""

from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Iterator, Optional

import numpy as np
import torch
from torch import Tensor

Update = Callable[[Tensor, Tensor, dict[str, Any]], Tensor]


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    return torch.linalg.solve(X.T.matmul(X), X.T.matmul(y))


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    def mse(w: float) -> float:
        return ((w * x - y) ** 2).mean().item()

    def grad(w: float) -> float:
        return (2 * x * (w * x - y)).mean().item()

    w: float = 1.0
    trace: list[float] = []
    for _ in range(steps):
        trace.append(mse(w))
        w -= lr * grad(w)
    return w, trace


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> tuple[float, list[float]]:
    w: float = 1.0
    trace: list[float] = []
    n: int = len(x)
    for _ in range(epochs):
        perm: list[int] = torch.randperm(n, generator=generator).tolist()
        for i in perm:
            xi: float = x[i].item()
            yi: float = y[i].item()
            w = w - lr * (2.0 * xi * (w * xi - yi))
        trace.append(torch.mean(torch.square(w * x - y)).item())
    return w, trace


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    order: Tensor = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    num_batches: int = math.ceil(n / batch_size)
    return (order[b * batch_size:(b + 1) * batch_size] for b in range(num_batches))


def _sgd_rule(group: dict[str, Any]) -> Update:
    def update(p: Tensor, g: Tensor, state: dict[str, Any]) -> Tensor:
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p
        mu: float = group["momentum"]
        if mu:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = torch.clone(g).detach()
            else:
                state["momentum_buffer"].mul_(mu).add_(g, alpha=1.0 - group["dampening"])
            buf: Tensor = state["momentum_buffer"]
            g = g + mu * buf if group["nesterov"] else buf
        return g
    return update


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            rule = _sgd_rule(group)
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(rule(p, p.grad, self.state[p]), alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @staticmethod
    def _moments(state: dict[str, Any], g: Tensor, betas: tuple[float, float]) -> tuple[Tensor, Tensor]:
        b1, b2 = betas
        state["step"] = state.get("step", 0) + 1
        m = state.setdefault("exp_avg", torch.zeros_like(g))
        v = state.setdefault("exp_avg_sq", torch.zeros_like(g))
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        return m / (1 - b1 ** state["step"]), v / (1 - b2 ** state["step"])

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
                g = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                m_hat, v_hat = self._moments(self.state[p], g, group["betas"])
                p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-group["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    result = values.new_empty(values.shape)
    s: float = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1.0 - beta) * v
        result[t - 1] = s / (1.0 - beta ** t) if bias_correction else s
    return result


class DiabetesDataset(torch.utils.data.Dataset):
    x: Tensor
    y: Tensor

    def __init__(self, path: str) -> None:
        xy: np.ndarray = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x, self.y = torch.from_numpy(xy[:, :-1]), torch.from_numpy(xy[:, -1:])

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    idx: Tensor = torch.arange(n, dtype=torch.int64)
    sizes: list[int] = [len(part) for part in np.array_split(np.empty(n), k)]
    return list(torch.split(idx, sizes))


if __name__ == "__main__":
    torch.manual_seed(0)
    ds = DiabetesDataset("diabetes.csv.gz")
    model = torch.nn.Linear(ds.x.shape[1], 1)
    opt = Adam(model.parameters(), lr=0.01)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for epoch in range(20):
        for batch in minibatch_indices(len(ds), 32):
            xb, yb = ds.x[batch], ds.y[batch]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "logreg.pt")
