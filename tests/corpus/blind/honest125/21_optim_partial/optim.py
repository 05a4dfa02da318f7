"""Optimisation — partial: the closed form, the GD/SGD fits, mini-batches and k-fold; the rest is stubs."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np  # noqa: F401
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """torch.linalg.solve on the normal equations."""
    return torch.linalg.solve(torch.mm(X.t(), X), X.t() @ y)


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Lecture 2's loop with the gradient formula mean(2x(wx − y)), over Python floats."""
    xs, ys = x.tolist(), y.tolist()
    n = len(xs)
    w = 1.0
    losses = []
    for _ in range(steps):
        cost = sum((xv * w - yv) ** 2 for xv, yv in zip(xs, ys)) / n
        losses.append(cost)
        grad = sum(2 * xv * (xv * w - yv) for xv, yv in zip(xs, ys)) / n
        w -= lr * grad
    return w, losses


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """Per-sample updates, MSE recorded after each epoch."""
    w = 1.0
    record = []
    for _ in range(epochs):
        for idx in torch.randperm(x.numel(), generator=generator):
            xi = x[idx].item()
            w -= lr * 2.0 * xi * (w * xi - y[idx].item())
        record.append(torch.mean((w * x - y) ** 2).item())
    return w, record


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Chunks of the (possibly shuffled) order; the last may be smaller."""
    if shuffle:
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.arange(n)
    start = 0
    while start < n:
        yield order[start:start + batch_size]
        start += batch_size


class SGD(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        raise NotImplementedError("SGD: pass the defaults dict to Optimizer.__init__")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        raise NotImplementedError("SGD.step: the update above for every p with a grad")


class Adam(torch.optim.Optimizer):
    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        raise NotImplementedError("Adam: pass the defaults dict to Optimizer.__init__")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        raise NotImplementedError("Adam.step: update m, v, the step count, then p")


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    raise NotImplementedError("ema: run the recursion; divide by 1 - beta**t when correcting")


class DiabetesDataset(torch.utils.data.Dataset):
    def __init__(self, path: str) -> None:
        raise NotImplementedError("DiabetesDataset: load the table, split features and label")


def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """Split arange(n) into k consecutive pieces, the first n % k one longer."""
    q, r = divmod(n, k)
    sizes = [q + 1] * r + [q] * (k - r)
    return list(torch.split(torch.arange(n), sizes))
