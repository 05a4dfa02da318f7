"""Optimisation, numpy-minded: numpy for the scalar fits, torch where the optimiser needs it."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor

DEFAULT_BETAS = (0.9, 0.999)


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    gram = torch.einsum("ni,nj->ij", X, X)
    rhs = torch.einsum("ni,n...->i...", X, y)
    return torch.linalg.solve(gram, rhs)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    xs = x.detach().cpu().double().numpy()
    ys = y.detach().cpu().double().numpy()
    w, hist = 1.0, []
    for _ in range(steps):
        r = w * xs - ys
        hist.append(float(np.mean(r ** 2)))
        w = w - lr * float(np.mean(2 * xs * r))
    return float(w), hist


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    xs = x.detach().cpu().double().numpy()
    ys = y.detach().cpu().double().numpy()
    w, hist = 1.0, []
    for _ in range(epochs):
        for i in torch.randperm(len(xs), generator=generator).numpy():
            w -= lr * 2 * xs[i] * (w * xs[i] - ys[i])
        hist.append(float(np.mean((w * xs - ys) ** 2)))
    return float(w), hist


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    i = 0
    while i < n:
        yield order[i:i + batch_size]
        i += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss = None
        if closure:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, mom, damp, wd, nest = (group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov"))
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad.clone()
                if wd:
                    d_p.add_(p, alpha=wd)
                if mom:
                    buf = self.state[p].get("momentum_buffer")
                    if buf is None:
                        buf = self.state[p]["momentum_buffer"] = d_p.clone()
                    else:
                        buf.mul_(mom).add_(d_p, alpha=1 - damp)
                    d_p = d_p.add(buf, alpha=mom) if nest else buf
                p.add_(d_p, alpha=-lr)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = DEFAULT_BETAS,
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

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
                g = p.grad if group["weight_decay"] == 0 else p.grad.add(p, alpha=group["weight_decay"])
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                t = st["step"]
                st["exp_avg"].lerp_(g, 1 - beta1)
                st["exp_avg_sq"].mul_(beta2).add_((1 - beta2) * g * g)
                step_size = group["lr"] / (1 - beta1 ** t)
                denom = (st["exp_avg_sq"].sqrt() / np.sqrt(1 - beta2 ** t)).add_(group["eps"])
                p.addcdiv_(st["exp_avg"], denom, value=-step_size)
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    v = values.detach().cpu().double().numpy()
    out = np.empty_like(v)
    s = 0.0
    for t in range(len(v)):
        s = beta * s + (1 - beta) * v[t]
        out[t] = s / (1 - beta ** (t + 1)) if bias_correction else s
    return torch.as_tensor(out, dtype=values.dtype, device=values.device)


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        xy = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.features = xy[:, :-1]
        self.labels = xy[:, -1:]

    def __len__(self) -> int:
        return self.features.shape[0]

    def __getitem__(self, i: int) -> tuple[Tensor, Tensor]:
        return torch.from_numpy(self.features[i]), torch.from_numpy(self.labels[i])


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    bounds = np.cumsum([0] + [n // k + (i < n % k) for i in range(k)])
    return [torch.arange(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
