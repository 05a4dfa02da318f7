# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Optimisation — 梯度下降, 随机梯度下降, 小批量, 解析解, 权重衰减, 指数加权均值.

Training finds parameters that make the loss small. For linear regression there is a
closed form (解析解), the normal equations w = (XᵀX)⁻¹Xᵀy. Everything else is
iterative: gradient descent (梯度下降) steps against the gradient, w ← w − lr·∇L(w).

- **full batch**: the gradient of the mean loss over all samples — smooth but costly;
- **per sample** (随机梯度下降, SGD): one update per sample — noisy, cheap;
- **mini-batch** (小批量): the usual compromise, batches drawn from a shuffled order each epoch.

Optimisers add memory and regularisation: momentum (a running sum of past gradients),
Nesterov's look-ahead, weight decay (权重衰减: add λ·w to the gradient, pulling weights
to 0), and Adam's per-parameter step sizes from running means of g and g². The same
exponentially weighted average (指数加权均值) smooths noisy loss curves.

How your code is checked (``grade exercises/ --topic optim``): formulas and trajectories
against torch (``torch.optim.SGD`` / ``Adam`` step for step over 50 steps, many option
combinations: float32 within rtol=1e-4, atol=1e-6; float64 within 1e-10); that the
optimisers are written by hand; that a logistic regression trained with your SGD learns
the diabetes data; that state stays on the parameters' device.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator

import numpy as np
import torch
from torch import Tensor


def closed_form_linear_regression(X: Tensor, y: Tensor) -> Tensor:
    """Least squares by the normal equations (解析解): w = (XᵀX)⁻¹Xᵀy.

    X: (n, d), used as given (no bias column added); y: (n,) or (n, k).
    Returns w of shape (d,) for y (n,), (d, k) for y (n, k). Solve the system
    (``torch.linalg.solve``) rather than inverting. Inputs are well conditioned.
    Off limits: ``torch.linalg.lstsq``, ``torch.linalg.pinv``, ``torch.pinverse``, and inverting:
    ``torch.linalg.inv``, ``torch.inverse``, ``torch.cholesky_inverse``, ``torch.linalg.tensorinv``.
    """
    raise NotImplementedError("closed_form_linear_regression: solve (XᵀX) w = Xᵀy")


def gd_fit(x: Tensor, y: Tensor, lr: float, steps: int) -> tuple[float, list[float]]:
    """Full-batch gradient descent for y ≈ w·x (lecture 2), from w = 1.0.

    x, y: 1-D float tensors of one length n. Each step: record the MSE mean((w·x − y)²), then
    w ← w − lr·mean(2·x·(w·x − y)). Returns (the final w as a float, the ``steps`` MSEs
    recorded before each update, as floats).
    """
    raise NotImplementedError("gd_fit: loss, gradient of the mean, update; repeat")


def sgd_fit(x: Tensor, y: Tensor, lr: float, epochs: int,
            generator: torch.Generator | None = None) -> tuple[float, list[float]]:
    """Stochastic gradient descent, one update per sample (随机梯度下降), from w = 1.0.

    Each epoch visits the samples in the order ``torch.randperm(n, generator=generator)``
    (drawn once per epoch) and for each sample i updates w ← w − lr·2·xᵢ·(w·xᵢ − yᵢ).
    After each epoch, record the MSE over all samples. Returns (final w as a float, the
    ``epochs`` recorded MSEs as floats).
    """
    raise NotImplementedError("sgd_fit: randperm each epoch, update per sample, record the MSE")


def minibatch_indices(n: int, batch_size: int, shuffle: bool = True,
                      generator: torch.Generator | None = None) -> Iterator[Tensor]:
    """Index batches for one epoch (小批量): an iterator of int64 tensors.

    The order is ``torch.randperm(n, generator=generator)`` when shuffling, else
    ``torch.arange(n)``; consecutive chunks of ``batch_size`` indices, the last one possibly
    smaller. Every sample appears exactly once per epoch.
    """
    raise NotImplementedError("minibatch_indices: an order, then slices of batch_size")


class SGD(torch.optim.Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    A direct subclass of ``torch.optim.Optimizer``: ``SGD(params, lr, momentum=0,
    dampening=0, weight_decay=0, nesterov=False)``, where params is an iterable of tensors
    or of param-group dicts (each group may override the options). ``step(closure=None)``
    updates every parameter that has a ``.grad`` (under ``torch.no_grad()``) and returns
    ``closure()``'s value itself when a closure is given (call it with grad enabled; the loss
    tensor it returns, not its ``.item()``), else None.
    For each parameter p with gradient g, in each group:

        g ← g + weight_decay·p
        if momentum ≠ 0:   b ← g on the first step, else b ← momentum·b + (1 − dampening)·g
                           g ← g + momentum·b if nesterov else b
        p ← p − lr·g

    The momentum buffer b is per-parameter state (``self.state[p]``), so ``state_dict()`` and
    ``load_state_dict()`` carry it to another SGD. Equal to ``torch.optim.SGD`` step for step. Off limits: ``torch.optim``'s optimisers (``SGD``,
    ``Adam``, …) and their functional forms — inherit only from ``torch.optim.Optimizer``.
    """

    def __init__(self, params: Iterable, lr: float, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False) -> None:
        raise NotImplementedError("SGD: pass the defaults dict to Optimizer.__init__")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        raise NotImplementedError("SGD.step: the update above for every p with a grad")


class Adam(torch.optim.Optimizer):
    """Adam: per-parameter steps from running means of the gradient and its square.

    ``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)``, a direct
    subclass of ``torch.optim.Optimizer`` with param groups and ``step(closure=None)`` as for
    :class:`SGD`. For parameter p with gradient g at its t-th step (t counts from 1):

        g ← g + weight_decay·p
        m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²       (m, v start at 0)
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        p ← p − lr·m̂ / (√v̂ + eps)

    m, v and t are per-parameter state (``self.state[p]``), carried by ``state_dict()`` and
    ``load_state_dict()`` as for :class:`SGD`. Equal to ``torch.optim.Adam`` step for step. Same
    functions off limits as :class:`SGD`.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0) -> None:
        raise NotImplementedError("Adam: pass the defaults dict to Optimizer.__init__")

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        raise NotImplementedError("Adam.step: update m, v, the step count, then p")


def ema(values: Tensor, beta: float, bias_correction: bool = True) -> Tensor:
    """Exponentially weighted average (指数加权均值) for smoothing a loss curve.

    values: 1-D float tensor v₁…v_T. s₀ = 0, sₜ = β·sₜ₋₁ + (1 − β)·vₜ; with bias correction the
    result is sₜ / (1 − βᵗ) (which removes the pull towards the zero start). Returns a tensor of
    values' length and dtype (checked within rtol=1e-4; float16 within rtol=1e-2, atol=1e-3).
    """
    raise NotImplementedError("ema: run the recursion; divide by 1 - beta**t when correcting")




def k_fold_indices(n: int, k: int) -> list[Tensor]:
    """k-fold cross-validation (k 折交叉验证): k contiguous, disjoint int64 folds covering range(n).

    Fold sizes as ``torch.arange(n).tensor_split(k)``: the first n % k folds hold one more index.
    Returns a list of k 1-D int64 tensors.
    """
    raise NotImplementedError("k_fold_indices: consecutive chunks, sizes differing by at most one")


# ---------------------------------------------------------------------------
# DiabetesDataset — taken from jobsfan/pytorch, liuer/8.py (the lecture-8 code of
# 《PyTorch深度学习实践》): the class unchanged except its parameter filepath renamed
# path. The script lines after it (loading 'diabetes.csv.gz', a DataLoader, a model
# and its training loop) are not taken. `Dataset` is the file's own import.
# ---------------------------------------------------------------------------
from torch.utils.data import Dataset


class DiabetesDataset(Dataset):
    def __init__(self,path):
        xy = np.loadtxt(path,delimiter=',',dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = torch.from_numpy(xy[:,:-1])
        self.y_data = torch.from_numpy(xy[:,[-1]])


    def __getitem__(self, index):
        return self.x_data[index],self.y_data[index]

    def __len__(self):
        return self.len
