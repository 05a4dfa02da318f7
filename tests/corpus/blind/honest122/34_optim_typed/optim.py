"""Optimisation exercises with type annotations, a dataclass for hyper-parameters and generators."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from itertools import accumulate
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    XtX: Tensor = torch.mm(X.t(), X)
    Xty: Tensor = X.t() @ y
    w, info = torch.linalg.solve_ex(XtX, Xty)
    return w


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return torch.square(w * x - y).mean().item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> Tuple[float, List[float]]:
    w: float = 1.0
    losses: List[float] = []
    for _ in range(steps):
        losses.append(_mse(w, x, y))
        w -= lr * torch.mean(2 * x * (w * x - y)).item()
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> Tuple[float, List[float]]:
    w: float = 1.0
    per_epoch: List[float] = []
    for _ in range(epochs):
        perm: List[int] = torch.randperm(x.numel(), generator=generator).tolist()
        for i in perm:
            xi, yi = x[i], y[i]
            w = w - lr * (2 * xi * (w * xi - yi)).item()
        per_epoch.append(_mse(w, x, y))
    return w, per_epoch


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    idx: Tensor = torch.randperm(n, generator=generator) if shuffle else torch.arange(n, dtype=torch.int64)
    starts = range(0, n, batch_size)
    return (idx[s:min(s + batch_size, n)] for s in starts)


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
    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        loss: Any = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            o = SGDOptions(**{k: group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov")})
            for p in group["params"]:
                if p.grad is None:
                    continue
                g: Tensor = p.grad if o.weight_decay == 0 else p.grad + o.weight_decay * p
                if o.momentum != 0:
                    st: Dict[str, Any] = self.state[p]
                    if "momentum_buffer" not in st:
                        st["momentum_buffer"] = g.clone()
                    else:
                        st["momentum_buffer"] = o.momentum * st["momentum_buffer"] + (1 - o.dampening) * g
                    b: Tensor = st["momentum_buffer"]
                    g = g + o.momentum * b if o.nesterov else b
                p.sub_(o.lr * g)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr: float = group["lr"]
            (b1, b2), eps, wd = group["betas"], group["eps"], group["weight_decay"]
            for p in (q for q in group["params"] if q.grad is not None):
                g = p.grad + wd * p if wd else p.grad
                st = self.state[p]
                t = st.get("t", 0) + 1
                m = st.get("m", torch.zeros_like(p)) * b1 + (1 - b1) * g
                v = st.get("v", torch.zeros_like(p)) * b2 + (1 - b2) * g * g
                st.update(t=t, m=m, v=v)
                m_hat = m / (1 - b1 ** t)
                v_hat = v / (1 - b2 ** t)
                p.add_(-lr * m_hat / (torch.sqrt(v_hat) + eps))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    vals: List[float] = values.tolist()
    running = list(accumulate(vals, lambda s, v: beta * s + (1 - beta) * v, initial=0.0))[1:]
    if bias_correction:
        running = [s / (1 - beta ** t) for t, s in enumerate(running, start=1)]
    return torch.tensor(running, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        raw: np.ndarray = np.loadtxt(path, delimiter=",", dtype=np.float32)
        if raw.ndim == 1:
            raw = raw[None, :]
        self.features: Tensor = torch.from_numpy(np.ascontiguousarray(raw[:, :-1]))
        self.labels: Tensor = torch.from_numpy(np.ascontiguousarray(raw[:, -1])).unsqueeze(1)

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __getitem__(self, index: int) -> Tuple[Tensor, Tensor]:
        return self.features[index], self.labels[index]


def k_fold_indices(n: int, k: int) -> List[Tensor]:
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    bounds = [0, *accumulate(sizes)]
    return [torch.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
