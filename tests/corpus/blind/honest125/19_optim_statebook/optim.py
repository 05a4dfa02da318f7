"""Optimisation — state-dict bookkeeping, in-place updates, a size switch for the EMA."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

try:
    from .optim_book import EMA_MATRIX_LIMIT, bias_corrections
except ImportError:
    from optim_book import EMA_MATRIX_LIMIT, bias_corrections


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Normal equations, solved (never inverted)."""
    gram = X.mT @ X
    rhs = X.mT @ y
    return torch.linalg.solve(gram, rhs)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Record the loss, then step w against the full-batch gradient."""
    w = torch.tensor(1.0, dtype=torch.float64)
    xs, ys = x.double(), y.double()
    losses = []
    for _ in range(steps):
        residual = w * xs - ys
        losses.append(residual.pow(2).mean().item())
        w = w - lr * (2 * xs * residual).mean()
    return w.item(), losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """Per-sample updates in a fresh randperm order each epoch (Python floats for the scalar w)."""
    xs, ys = x.tolist(), y.tolist()
    w = 1.0
    losses = []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).tolist():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        losses.append(float(((w * x - y) ** 2).mean()))
    return w, losses


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """torch.split of the epoch's order."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


class SGD(torch.optim.Optimizer):
    """Momentum buffer kept in self.state[p]; updates done in place."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

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
                g = p.grad.clone()                       # my own tensor: safe to edit in place
                if group["weight_decay"]:
                    g.add_(p, alpha=group["weight_decay"])
                if group["momentum"]:
                    state = self.state[p]
                    if "momentum_buffer" in state:
                        buf = state["momentum_buffer"]
                        buf.mul_(group["momentum"]).add_(g, alpha=1.0 - group["dampening"])
                    else:
                        buf = state["momentum_buffer"] = g.clone()
                    if group["nesterov"]:
                        g.add_(buf, alpha=group["momentum"])
                    else:
                        g.copy_(buf)
                p.sub_(g, alpha=group["lr"])
        return loss


class Adam(torch.optim.Optimizer):
    """m, v and the step count in the state dict; bias corrections from a cached helper."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay})

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
                state = self.state[p]
                if "step" not in state:
                    state["step"] = 0
                    state["m"] = torch.zeros_like(p)
                    state["v"] = torch.zeros_like(p)
                g = p.grad
                if group["weight_decay"]:
                    g = g + group["weight_decay"] * p
                state["step"] += 1
                m, v = state["m"], state["v"]
                m.lerp_(g, 1 - beta1)                     # m ← β₁m + (1 − β₁)g
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                bc1, bc2_sqrt = bias_corrections(float(beta1), float(beta2), int(state["step"]))
                denom = v.sqrt().div_(bc2_sqrt).add_(group["eps"])
                p.addcdiv_(m, denom, value=-group["lr"] / bc1)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """Size switch: a lower-triangular weight matrix for short series, the recursion for long ones."""
    T = values.shape[0]
    v = values.to(torch.float64)
    t = torch.arange(1, T + 1, dtype=torch.float64, device=values.device)
    if T <= EMA_MATRIX_LIMIT:
        gap = t[:, None] - t[None, :]                               # t − i
        weights = torch.where(gap >= 0, (1 - beta) * (beta ** gap.clamp(min=0)), 0.0)
        s = (weights * v[None, :]).sum(dim=1)
    else:
        s = torch.empty_like(v)
        acc = 0.0
        for i, val in enumerate(v.tolist()):
            acc = beta * acc + (1 - beta) * val
            s[i] = acc
    if bias_correction:
        s = s / (1 - beta ** t)
    return s.to(values.dtype)


class DiabetesDataset(torch.utils.data.Dataset):
    """The whole table kept as one tensor; items are slices of it."""

    def __init__(self, path: str) -> None:
        table = np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)
        self.table = torch.from_numpy(table)

    def __len__(self) -> int:
        return self.table.shape[0]

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        row = self.table[index]
        return row[:-1], row[-1:]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """The docstring's own rule: tensor_split of arange(n) into k parts."""
    return [fold.clone() for fold in torch.arange(n, dtype=torch.int64).tensor_split(k)]
