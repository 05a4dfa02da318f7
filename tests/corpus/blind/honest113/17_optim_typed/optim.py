"""Optimisation — typed, with a training demo that saves a checkpoint under __main__."""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram: Tensor = X.transpose(0, 1) @ X
    rhs: Tensor = X.transpose(0, 1) @ y
    return torch.linalg.solve(gram, rhs)


def _mse(w: float, x: Tensor, y: Tensor) -> float:
    return torch.mean((w * x - y) ** 2).item()


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> Tuple[float, List[float]]:
    w: float = 1.0
    history: List[float] = []
    for _ in range(steps):
        history.append(_mse(w, x, y))
        w -= lr * torch.mean(2 * x * (w * x - y)).item()
    return w, history


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> Tuple[float, List[float]]:
    w: float = 1.0
    history: List[float] = []
    xs: List[float] = x.tolist()
    ys: List[float] = y.tolist()
    for _ in range(epochs):
        order: List[int] = torch.randperm(len(xs), generator=generator).tolist()
        for i in order:
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        history.append(_mse(w, x, y))
    return w, history


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    order: Tensor = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    return iter(torch.split(order, batch_size))


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        defaults: Dict[str, Any] = {"lr": lr, "momentum": momentum, "dampening": dampening,
                                    "weight_decay": weight_decay, "nesterov": nesterov}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss: Optional[float] = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr: float = group["lr"]
            mu: float = group["momentum"]
            tau: float = group["dampening"]
            lam: float = group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g: Tensor = p.grad.detach()
                if lam:
                    g = g + lam * p
                if mu:
                    st = self.state[p]
                    buf: Optional[Tensor] = st.get("momentum_buffer")
                    if buf is None:
                        buf = g.clone()
                    else:
                        buf = mu * buf + (1 - tau) * g
                    st["momentum_buffer"] = buf
                    g = g + mu * buf if group["nesterov"] else buf
                p.sub_(lr * g)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure: Optional[Callable[[], float]] = None) -> Optional[float]:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g: Tensor = p.grad
                if group["weight_decay"] != 0:
                    g = g + group["weight_decay"] * p
                st = self.state[p]
                if "t" not in st:
                    st["t"] = 0
                    st["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    st["v"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                st["t"] += 1
                t: int = st["t"]
                st["m"] = b1 * st["m"] + (1 - b1) * g
                st["v"] = b2 * st["v"] + (1 - b2) * g * g
                m_hat: Tensor = st["m"] / (1 - b1 ** t)
                v_hat: Tensor = st["v"] / (1 - b2 ** t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    smoothed: List[float] = []
    s: float = 0.0
    for t, v in enumerate(values.tolist(), start=1):
        s = beta * s + (1 - beta) * v
        smoothed.append(s / (1 - beta ** t) if bias_correction else s)
    return torch.tensor(smoothed, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        table: np.ndarray = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x: Tensor = torch.tensor(table[:, :-1])
        self.y: Tensor = torch.tensor(table[:, -1:])

    def __len__(self) -> int:
        return self.x.shape[0]

    def __getitem__(self, i: int) -> Tuple[Tensor, Tensor]:
        return self.x[i], self.y[i]


def k_fold_indices(n: int, k: int) -> List[Tensor]:
    base, extra = divmod(n, k)
    sizes: List[int] = [base + 1] * extra + [base] * (k - extra)
    return list(torch.split(torch.arange(n, dtype=torch.int64), sizes))


if __name__ == "__main__":
    torch.manual_seed(0)
    ds = DiabetesDataset("diabetes.csv.gz")
    loader = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True)
    model = torch.nn.Sequential(torch.nn.Linear(ds.x.shape[1], 1), torch.nn.Sigmoid())
    opt = Adam(model.parameters(), lr=0.01)
    for epoch in range(20):
        for xb, yb in loader:
            loss = torch.nn.functional.binary_cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(epoch, loss.item())
    torch.save(model.state_dict(), "diabetes_logreg.pt")
