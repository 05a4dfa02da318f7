"""Losses — partial: the three regression losses (where/abs/clamp only); the rest is still the stub."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn  # noqa: F401


def _reduce(values: Tensor, reduction: str) -> Tensor:
    return {"mean": values.mean, "sum": values.sum, "none": lambda: values}[reduction]()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """(ŷ − y)² reduced."""
    diff = torch.sub(y_hat, y)
    return _reduce(diff.mul(diff), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    """|ŷ − y| as where(d < 0, −d, d)."""
    d = y_hat - y
    return _reduce(torch.where(d < 0, -d, d), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    """Quadratic up to δ, then linear; the linear piece is chosen by where."""
    d = (y_hat - y).abs()
    clipped = d.clamp(max=delta)
    quadratic = 0.5 * clipped.pow(2)
    linear = delta * (d - 0.5 * delta)
    return torch.where(d <= delta, quadratic, linear).mean()


def sigmoid(x: Tensor) -> Tensor:
    raise NotImplementedError("sigmoid: 1 / (1 + exp(-x)), written so that no exp overflows")


def bce(p: Tensor, y: Tensor) -> Tensor:
    raise NotImplementedError("bce: -(y*log p + (1-y)*log(1-p)), logs clamped at -100, mean")


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    raise NotImplementedError("bce_with_logits: use the softplus form, never sigmoid then log")


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    raise NotImplementedError("softmax: subtract the max along dim, exponentiate, normalise")


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    raise NotImplementedError("log_softmax: x - m - log(sum(exp(x - m)))")


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    raise NotImplementedError("cross_entropy: -log_softmax at the target, averaged over rows")


def entropy(p: Tensor) -> Tensor:
    raise NotImplementedError("entropy: -sum(p * log p) over the last dim, treating 0*log 0 as 0")


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    raise NotImplementedError("kl_div: sum of p * (log p - log q), 0 where p == 0")
