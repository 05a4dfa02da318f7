"""Losses — a learner's version with torch.where everywhere and explicit dtype handling for one-hot targets."""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn  # noqa: F401

_REDUCERS = {"mean": torch.mean, "sum": torch.sum, "none": lambda t: t}


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _REDUCERS[reduction]((y_hat - y) * (y_hat - y))


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = y_hat - y
    return _REDUCERS[reduction](torch.where(d >= 0, d, -d))


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = y_hat - y
    ad = torch.abs(d)
    loss = torch.where(ad <= delta, 0.5 * d * d, delta * ad - 0.5 * delta * delta)
    return torch.mean(loss)


def sigmoid(x: Tensor) -> Tensor:
    neg_part = torch.exp(torch.where(x < 0, x, torch.zeros_like(x)))        # e^x where x < 0, else 1
    pos_part = torch.exp(-torch.where(x >= 0, x, torch.zeros_like(x)))      # e^-x where x >= 0, else 1
    return torch.where(x >= 0, 1.0 / (1.0 + pos_part), neg_part / (1.0 + neg_part))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    log_p = torch.maximum(torch.log(p), floor)
    log_1mp = torch.maximum(torch.log(1.0 - p), floor)
    return torch.mean(-(y * log_p + (1.0 - y) * log_1mp))


def _softplus(z: Tensor) -> Tensor:
    return torch.where(z > 0, z, torch.zeros_like(z)) + torch.log1p(torch.exp(-torch.abs(z)))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return torch.mean(y * _softplus(-logits) + (1.0 - y) * _softplus(logits))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - torch.amax(x, dim=dim, keepdim=True)
    ez = torch.exp(z)
    return ez / torch.sum(ez, dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    z = x - torch.amax(x, dim=dim, keepdim=True)
    return z - torch.log(torch.sum(torch.exp(z), dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        probs = target if target.is_floating_point() else target.to(lsm.dtype)
        return torch.mean(-torch.sum(probs * lsm, dim=1))
    one_hot = torch.zeros_like(lsm).scatter_(1, target.unsqueeze(1), 1.0)
    return torch.mean(-torch.sum(one_hot * lsm, dim=1))


def entropy(p: Tensor) -> Tensor:
    safe = torch.where(p > 0, p, torch.ones_like(p))
    return -torch.sum(torch.where(p > 0, p * torch.log(safe), torch.zeros_like(p)), dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    safe_p = torch.where(p > 0, p, torch.ones_like(p))
    term = torch.where(p > 0, p * (torch.log(safe_p) - torch.log(q)), torch.zeros_like(p))
    return torch.sum(term, dim=-1)
