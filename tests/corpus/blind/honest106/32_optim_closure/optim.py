"""Optimisation — state names as torch uses them, a private _init_group, ema on a preallocated tensor with a size switch."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A = torch.mm(X.t(), X)
    rhs = torch.mm(X.t(), y.unsqueeze(1) if y.dim() == 1 else y)
    w = torch.linalg.solve(A, rhs)
    return w.squeeze(1) if y.dim() == 1 else w


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    w = torch.tensor(1.0, dtype=x.dtype, device=x.device)
    losses: List[float] = []
    for _ in range(steps):
        err = w * x - y
        losses.append(float(torch.mean(err ** 2)))
        w = w - lr * torch.mean(2 * x * err)
    return float(w), losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> tuple[float, list[float]]:
    w = 1.0
    losses = []
    for _ in range(epochs):
        perm = torch.randperm(x.numel(), generator=generator)
        for i in perm.tolist():
            xi = float(x[i])
            w = w - lr * 2 * xi * (w * xi - float(y[i]))
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    idx = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    i = 0
    while i < n:
        yield idx[i:min(i + batch_size, n)]
        i += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _init_group(self, group: Dict[str, Any]) -> List[Tensor]:
        return [p for p in group["params"] if p.grad is not None]

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in self._init_group(group):
                g = p.grad.clone()
                if group["weight_decay"]:
                    g.add_(p, alpha=group["weight_decay"])
                if group["momentum"]:
                    st = self.state[p]
                    if "momentum_buffer" not in st:
                        st["momentum_buffer"] = g.clone()
                    else:
                        st["momentum_buffer"] = group["momentum"] * st["momentum_buffer"] + (1 - group["dampening"]) * g
                    buf = st["momentum_buffer"]
                    g = g.add(buf, alpha=group["momentum"]) if group["nesterov"] else buf
                p.add_(-group["lr"] * g)
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
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad if wd == 0 else p.grad + wd * p
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state["step"] += 1
                t = state["step"].item()
                state["exp_avg"].lerp_(g, 1 - b1)
                state["exp_avg_sq"].mul_(b2).addcmul_(g, g.conj(), value=1 - b2)
                bias1 = 1 - b1 ** t
                bias2 = 1 - b2 ** t
                denom = (state["exp_avg_sq"] / bias2).sqrt().add_(eps)
                p.addcdiv_(state["exp_avg"], denom, value=-lr / bias1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    out = torch.empty_like(values)
    s = 0.0
    corr = 1.0
    for t, v in enumerate(values.tolist()):
        s = beta * s + (1 - beta) * v
        corr *= beta
        out[t] = s / (1 - corr) if bias_correction else s
    return out


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        raw = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = torch.from_numpy(raw[:, :-1].copy())
        self.labels = torch.from_numpy(raw[:, -1:].copy())

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __getitem__(self, index: int):
        return self.features[index], self.labels[index]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    return [chunk for chunk in torch.arange(n).tensor_split(k)]
