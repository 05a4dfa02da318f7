# mistake: torch.logsumexp (breaks: off limits: torch.logsumexp)
# cause: log_softmax twin
"""Losses exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


_MSE_REDUCE = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}


def mse(y_hat, y, reduction="mean"):
    return _MSE_REDUCE[reduction](torch.square(y_hat - y))


def l1(y_hat, y, reduction="mean"):
    err = torch.abs(y_hat - y)
    match reduction:
        case "mean":
            return err.mean()
        case "sum":
            return err.sum()
        case "none":
            return err
    raise ValueError(reduction)


def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    return torch.where(d <= delta, 0.5 * d**2, delta * d - 0.5 * delta**2).sum() / d.numel()


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e^(−x)) for x ≥ 0, e^x / (1 + e^x) for x < 0: no exp ever sees a positive argument."""
    positive = x >= 0
    e_pos = torch.exp(-torch.where(positive, x, torch.zeros_like(x)))
    e_neg = torch.exp(torch.where(positive, torch.zeros_like(x), x))
    return torch.where(positive, 1 / (1 + e_pos), e_neg / (1 + e_neg))


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p).clamp(min=-100)
    log_1mp = torch.log(1 - p).clamp(min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits, y):
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x, dim=-1):
    return log_softmax(x, dim).exp()


def log_softmax(x, dim=-1):
    return x - torch.logsumexp(x, dim=dim, keepdim=True)


def cross_entropy(logits, target):
    lp = log_softmax(logits, dim=-1)
    if target.ndim == 1:
        target = torch.zeros_like(lp).scatter_(1, target[:, None], 1.0)
    return -(lp * target.to(lp.dtype)).sum() / logits.shape[0]


def entropy(p):
    safe = torch.where(p > 0, p, torch.ones_like(p))
    return -(p * safe.log()).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
