# mistake: sums instead of averaging (breaks: mean over all elements)
# cause: bce bce_matches_torch_with_soft_labels_and_extremes:values
"""Losses exercises."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat, y, reduction="mean"):
    d = y_hat - y
    sq = d * d
    if reduction == "none":
        return sq
    total = sq.sum()
    return total / sq.numel() if reduction == "mean" else total


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


def sigmoid(x):
    return torch.exp(-F.softplus(-x))


def bce(p, y):
    return -(y * p.log().clamp(min=-100) + (1 - y) * (1 - p).log().clamp(min=-100)).sum()


def bce_with_logits(logits, y):
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x, dim=-1):
    z = x.movedim(dim, -1)
    z = z - z.amax(-1, keepdim=True)
    e = z.exp()
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim)


def _my_logsumexp(x, dim):
    top = x.max(dim, keepdim=True)[0]
    return top + (x - top).exp().sum(dim, keepdim=True).log()


def log_softmax(x, dim=-1):
    return x - _my_logsumexp(x, dim)


def cross_entropy(logits, target):
    lp = log_softmax(logits, dim=-1)
    if target.ndim == 1:
        target = torch.zeros_like(lp).scatter_(1, target[:, None], 1.0)
    return -(lp * target.to(lp.dtype)).sum() / logits.shape[0]


def entropy(p):
    return -(p * p.log()).masked_fill(p == 0, 0.0).sum(dim=-1)


def kl_div(p, q):
    ratio = torch.log(p / q)
    return (p * ratio).masked_fill(p == 0, 0.0).sum(dim=-1)
