"""Optimisation — generators, itertools and typing; Cholesky for the normal equations."""

from __future__ import annotations

import gzip
import itertools
from typing import Callable, Iterable, Iterator, NamedTuple

import numpy as np
import torch
from torch import Tensor


class _SGDDefaults(NamedTuple):
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


class _AdamDefaults(NamedTuple):
    lr: float = 1e-3
    betas: tuple = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0


# Option tables built once at import.
SGD_DEFAULTS = _SGDDefaults()._asdict()
ADAM_DEFAULTS = _AdamDefaults()._asdict()


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """(XᵀX) w = Xᵀy by a Cholesky factorisation (XᵀX is symmetric positive definite here)."""
    A = X.T @ X
    L = torch.linalg.cholesky(A)
    rhs = X.T @ y
    col = rhs.unsqueeze(-1) if rhs.dim() == 1 else rhs
    w = torch.cholesky_solve(col, L)
    return w.squeeze(-1) if rhs.dim() == 1 else w


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return ((w * x - y) ** 2).mean().item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """A generator of (w, loss) pairs, consumed for `steps` steps."""
    def trajectory() -> Iterator[tuple[float, float]]:
        w = 1.0
        while True:
            loss = _mse(w, x, y)
            yield w, loss
            w = w - lr * (2 * x * (w * x - y)).mean().item()

    history: list[float] = []
    w_final = 1.0
    it = trajectory()
    for _ in range(steps):
        _, loss = next(it)
        history.append(loss)
    if steps:
        w_final = next(it)[0]
    return w_final, history


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """One update per sample in each epoch's randperm order."""
    w = 1.0
    curve: list[float] = []
    for _ in range(epochs):
        perm = torch.randperm(x.shape[0], generator=generator)
        for xi, yi in zip(x[perm].tolist(), y[perm].tolist()):
            w = w - lr * 2.0 * xi * (w * xi - yi)
        curve.append(_mse(w, x, y))
    return w, curve


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """itertools.islice over the order until it runs dry."""
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    positions = iter(range(n))
    while True:
        chunk = list(itertools.islice(positions, batch_size))
        if not chunk:
            return
        yield order[chunk[0]:chunk[-1] + 1]


class SGD(torch.optim.Optimizer):
    """torch's SGD update, written out."""

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults = dict(SGD_DEFAULTS, lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov)
        super().__init__(params, defaults)

    def _update(self, p: Tensor, group: dict) -> None:
        grad = p.grad if group["weight_decay"] == 0 else p.grad + group["weight_decay"] * p
        if group["momentum"] != 0:
            state = self.state[p]
            prev = state.get("momentum_buffer")
            if prev is None:
                buf = grad.detach().clone()
            else:
                buf = prev.mul_(group["momentum"]).add_(grad, alpha=1 - group["dampening"])
            state["momentum_buffer"] = buf
            grad = grad + group["momentum"] * buf if group["nesterov"] else buf
        p.add_(grad, alpha=-group["lr"])

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in (q for q in group["params"] if q.grad is not None):
                self._update(p, group)
        return loss


class Adam(torch.optim.Optimizer):
    """Adam, step for step like torch's."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        defaults = dict(ADAM_DEFAULTS, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.add(p, alpha=wd) if wd else p.grad
                st = self.state[p]
                if not st:
                    st.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                st["step"] += 1
                st["exp_avg"].mul_(beta1).add_(grad, alpha=1 - beta1)
                st["exp_avg_sq"].mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                m_hat = st["exp_avg"] / (1 - beta1 ** st["step"])
                v_hat = st["exp_avg_sq"] / (1 - beta2 ** st["step"])
                p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """itertools.accumulate runs the recursion over Python floats."""
    seq = values.tolist()
    smoothed = list(itertools.accumulate(seq, lambda s, v: beta * s + (1 - beta) * v, initial=0.0))[1:]
    if bias_correction:
        smoothed = [s / (1 - beta ** t) for t, s in enumerate(smoothed, start=1)]
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    """Reads the gzipped CSV with gzip + numpy; keeps features and labels apart."""

    def __init__(self, path: str) -> None:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt") as fh:
            table = np.loadtxt(fh, delimiter=",", dtype=np.float32, ndmin=2)
        self.features = torch.tensor(table[:, :-1])
        self.labels = torch.tensor(table[:, -1:])

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return self.features[i], self.labels[i]


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Fold boundaries by itertools.accumulate of the fold sizes."""
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    bounds = list(itertools.accumulate(sizes, initial=0))
    return [torch.arange(a, b, dtype=torch.long) for a, b in zip(bounds, bounds[1:])]
