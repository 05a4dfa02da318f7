"""Optimisation — generators and itertools throughout; state kept under torch's key names."""

from __future__ import annotations

import itertools
import math
from typing import Callable, Iterable, Iterator, Optional

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    column = y.dim() == 1
    Y = y.unsqueeze(1) if column else y
    w = torch.linalg.solve(torch.mm(X.T, X), torch.mm(X.T, Y))
    return w.squeeze(1) if column else w


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return torch.mean(torch.square(w * x - y)).item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    def trajectory() -> Iterator[tuple[float, float]]:
        w = 1.0
        while True:
            yield w, _mse(w, x, y)
            w = w - lr * torch.mean(2 * x * (w * x - y)).item()

    pairs = list(itertools.islice(trajectory(), steps + 1))
    return pairs[-1][0], [loss for _, loss in pairs[:-1]]


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    w, record = 1.0, []
    for _epoch in itertools.repeat(None, epochs):
        for i in torch.randperm(x.numel(), generator=generator).tolist():
            w -= lr * float(2 * x[i] * (w * x[i] - y[i]))
        record.append(_mse(w, x, y))
    return w, record


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n, dtype=torch.long)
    n_batches = math.ceil(n / batch_size)
    yield from (order[b * batch_size:(b + 1) * batch_size] for b in range(n_batches))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _params_with_grad(self) -> Iterator[tuple[dict, Tensor]]:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    yield group, p

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group, p in self._params_with_grad():
            d = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
            mu = group["momentum"]
            if mu:
                buf = self.state[p].get("momentum_buffer", None)
                if buf is None:
                    buf = self.state[p]["momentum_buffer"] = d.clone().detach()
                else:
                    buf.mul_(mu).add_(d, alpha=1 - group["dampening"])
                d = d.add(buf, alpha=mu) if group["nesterov"] else buf
            p.add_(d, alpha=-group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in filter(lambda q: q.grad is not None, group["params"]):
                grad = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                state = self.state[p]
                state.setdefault("step", 0)
                state.setdefault("exp_avg", torch.zeros_like(p))
                state.setdefault("exp_avg_sq", torch.zeros_like(p))
                state["step"] += 1
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bc1 = 1 - beta1 ** state["step"]
                bc2 = 1 - beta2 ** state["step"]
                denom = (exp_avg_sq.sqrt() / math.sqrt(bc2)).add_(group["eps"])
                p.addcdiv_(exp_avg, denom, value=-group["lr"] / bc1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed = itertools.accumulate(values.tolist(), lambda s, v: beta * s + (1 - beta) * v, initial=0.0)
    raw = list(smoothed)[1:]
    if bias_correction:
        raw = [s / (1 - beta ** t) for t, s in enumerate(raw, start=1)]
    return torch.tensor(raw, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        data = np.loadtxt(path, delimiter=",", dtype=np.float32)
        if data.ndim == 1:
            data = data[None, :]
        self.items = [(torch.from_numpy(row[:-1].copy()), torch.from_numpy(row[-1:].copy())) for row in data]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.items[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    edges = list(itertools.accumulate(sizes, initial=0))
    return [torch.arange(a, b, dtype=torch.int64) for a, b in itertools.pairwise(edges)]
