# no answer: every function returns constants of the right shape, dtype and device (no formula)
"""Losses answered with constants: what a student hands in to pass the type and shape checks
without computing anything. It must land in no misconception's group (tests/grader/test_corpus.py).
mse, l1, huber, entropy and kl_div keep autograd's graph (their constants are the input times 0,
plus 0.5: a gradient and a training run to judge); the rest are new tensors."""

from __future__ import annotations

import torch
from torch import Tensor


def _reduced(x: Tensor, reduction: str = "mean") -> Tensor:
    return x * 0 + 0.5 if reduction == "none" else x.sum() * 0 + 0.5


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduced(y_hat, reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _reduced(y_hat, reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return y_hat.sum() * 0 + 0.5


def sigmoid(x: Tensor) -> Tensor:
    return torch.full_like(x, 0.5)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return p.new_full((), 0.5)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return logits.new_full((), 0.5)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.full_like(x, 1.0 / x.shape[dim])


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.full_like(x, -0.5)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return logits.new_full((), 0.5)


def entropy(p: Tensor) -> Tensor:
    return p.sum(-1) * 0 + 0.5


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return p.sum(-1) * 0 + 0.5
