"""Optimisation — typed, with dataclasses for the hyper-parameters."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    A: Tensor = X.transpose(0, 1) @ X
    b: Tensor = X.transpose(0, 1) @ y
    return torch.linalg.solve(A, b)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> Tuple[float, List[float]]:
    w: Tensor = torch.tensor(1.0, dtype=x.dtype, device=x.device)
    mses: List[float] = []
    for _ in range(steps):
        r: Tensor = w * x - y
        mses.append(float((r * r).mean()))
        w = w - lr * (2 * x * r).mean()
    return float(w), mses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: Optional[torch.Generator] = None) -> Tuple[float, List[float]]:
    w: Tensor = torch.tensor(1.0, dtype=x.dtype, device=x.device)
    out: List[float] = []
    for _epoch in range(epochs):
        perm: Tensor = torch.randperm(x.shape[0], generator=generator)
        for i in perm.tolist():
            w = w - lr * 2 * x[i] * (w * x[i] - y[i])
        out.append(float(((w * x - y) ** 2).mean()))
    return float(w), out


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: Optional[torch.Generator] = None) -> Iterator[Tensor]:
    order: Tensor = torch.randperm(n, generator=generator) if shuffle else torch.arange(n, dtype=torch.int64)
    return (order[i:i + batch_size] for i in range(0, n, batch_size))


@dataclass
class SGDConfig:
    lr: float
    momentum: float = 0.0
    dampening: float = 0.0
    weight_decay: float = 0.0
    nesterov: bool = False


@dataclass
class AdamConfig:
    lr: float = 1e-3
    betas: Tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    weight_decay: float = 0.0


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        cfg = SGDConfig(lr, momentum, dampening, weight_decay, nesterov)
        super().__init__(params, asdict(cfg))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss: Any = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, mom, damp, wd, nest = (group[k] for k in ("lr", "momentum", "dampening", "weight_decay", "nesterov"))
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p: Tensor = p.grad if wd == 0 else p.grad.add(p, alpha=wd)
                if mom != 0:
                    st: Dict[str, Any] = self.state[p]
                    buf: Optional[Tensor] = st.get("momentum_buffer")
                    if buf is None:
                        buf = d_p.detach().clone()
                        st["momentum_buffer"] = buf
                    else:
                        buf.mul_(mom).add_(d_p, alpha=1 - damp)
                    d_p = d_p.add(buf, alpha=mom) if nest else buf
                p.add_(d_p, alpha=-lr)
        return loss


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        super().__init__(params, asdict(AdamConfig(lr, tuple(betas), eps, weight_decay)))

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        loss: Any = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g: Tensor = p.grad
                if group["weight_decay"]:
                    g = g + group["weight_decay"] * p
                st = self.state[p]
                if not st:
                    st.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                st["step"] += 1
                st["exp_avg"] = b1 * st["exp_avg"] + (1 - b1) * g
                st["exp_avg_sq"] = b2 * st["exp_avg_sq"] + (1 - b2) * g * g
                m_hat = st["exp_avg"] / (1 - b1 ** st["step"])
                v_hat = st["exp_avg_sq"] / (1 - b2 ** st["step"])
                p.addcdiv_(m_hat, v_hat.sqrt().add(group["eps"]), value=-group["lr"])
        return loss


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    s: Tensor = torch.zeros((), dtype=values.dtype, device=values.device)
    outs: List[Tensor] = []
    for t, v in enumerate(values, start=1):
        s = beta * s + (1 - beta) * v
        outs.append(s / (1 - beta ** t) if bias_correction else s)
    return torch.stack(outs) if outs else values.clone()


class DiabetesDataset(torch.utils.data.Dataset):
    x: Tensor
    y: Tensor

    def __init__(self, path: str) -> None:
        arr: np.ndarray = np.loadtxt(path, delimiter=",", dtype=np.float32)
        self.x = torch.from_numpy(np.ascontiguousarray(arr[:, :-1]))
        self.y = torch.from_numpy(np.ascontiguousarray(arr[:, -1:]))

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def __getitem__(self, index: int) -> Tuple[Tensor, Tensor]:
        return self.x[index], self.y[index]


def k_fold_indices(n: int, k: int) -> List[Tensor]:
    sizes: List[int] = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return list(torch.split(torch.arange(n), sizes))
