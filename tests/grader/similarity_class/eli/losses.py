from __future__ import annotations

import torch
from torch import Tensor

NO_REDUCTION = "none"


def _squared(a: Tensor, b: Tensor) -> Tensor:
    return (a - b) * (a - b)


def mse(y_hat, y, reduction="mean"):
    per_element = _squared(y_hat, y)
    if reduction == NO_REDUCTION:
        return per_element
    total = per_element.sum()
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / per_element.numel()
    raise ValueError(f"reduction={reduction!r}")


def l1(y_hat, y, reduction="mean"):
    per_element = (y_hat - y).abs()
    if reduction == NO_REDUCTION:
        return per_element
    total = per_element.sum()
    if reduction == "sum":
        return total
    if reduction == "mean":
        return total / per_element.numel()
    raise ValueError(f"reduction={reduction!r}")


def huber(y_hat, y, delta=1.0):
    d = y_hat - y
    out = torch.empty_like(d)
    near = d.abs() <= delta
    out[near] = 0.5 * d[near] ** 2
    far = ~near
    out[far] = delta * (d[far].abs() - 0.5 * delta)
    return out.mean()


def sigmoid(x):
    s = 1 / (1 + torch.exp(-x.abs()))
    return torch.where(x >= 0, s, 1 - s)


def bce(p, y):
    return -(y * p.log().clamp_min(-100) + (1 - y) * (1 - p).log().clamp_min(-100)).mean()


def bce_with_logits(logits, y):
    z = logits
    neg_abs = -z.abs()
    loss = z.clamp_min(0) - z * y + (1 + neg_abs.exp()).log()
    return loss.mean()


def _lse(x, dim):
    m = x.max(dim, keepdim=True).values.detach()
    return m + (x - m).exp().sum(dim, keepdim=True).log()


def softmax(x, dim=-1):
    return (x - _lse(x, dim)).exp()


def log_softmax(x, dim=-1):
    return x - _lse(x, dim)


def cross_entropy(logits, target):
    lse = _lse(logits, 1).squeeze(1)
    if target.shape == logits.shape:
        return (target * (lse.unsqueeze(1) - logits)).sum(1).mean()
    correct = logits.gather(1, target.unsqueeze(1)).squeeze(1)
    return (lse - correct).mean()


def entropy(p):
    logs = torch.log(p + (p == 0).to(p.dtype))
    return -(p * logs).sum(-1)


def kl_div(p, q):
    zero = p == 0
    ratio = torch.where(zero, torch.ones_like(p), p / q)
    return (p * torch.log(ratio)).sum(-1)
