"""Losses; softmax switches formulation on the size of the reduced axis."""
import math

import torch
from torch import Tensor

CHUNKED_ABOVE = 1024  # classes; above this the LogSumExp is accumulated over chunks


def mse(y_hat, y, reduction="mean"):
    sq = torch.square(y_hat - y)
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()


def l1(y_hat, y, reduction="mean"):
    a = torch.abs(y_hat - y)
    if reduction == "none":
        return a
    return a.sum() if reduction == "sum" else a.sum() / a.numel()


def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).abs()
    is_small = (d <= delta).to(d.dtype)
    return (is_small * 0.5 * d * d + (1 - is_small) * delta * (d - 0.5 * delta)).mean()


def sigmoid(x):
    e = torch.exp(-torch.abs(x))
    s = 1 / (1 + e)
    return torch.where(x < 0, e * s, s)


def bce(p, y):
    return -torch.mean(y * torch.clamp(torch.log(p), -100) + (1 - y) * torch.clamp(torch.log(1 - p), -100))


def bce_with_logits(logits, y):
    z = logits
    return torch.mean((1 - y) * z + torch.log1p(torch.exp(-torch.abs(z))) + torch.clamp(-z, min=0))


def _lse(x, dim):
    n = x.shape[dim]
    if n <= CHUNKED_ABOVE:
        m = x.max(dim, keepdim=True)[0]
        return m + torch.log(torch.exp(x - m).sum(dim, keepdim=True))
    # streaming LogSumExp over chunks of the axis (as in online softmax)
    parts = [_lse(c, dim) for c in torch.split(x, CHUNKED_ABOVE, dim=dim)]
    return _lse(torch.cat(parts, dim=dim), dim)


def log_softmax(x, dim=-1):
    return x - _lse(x, dim)


def softmax(x, dim=-1):
    return torch.exp(x - _lse(x, dim))


def cross_entropy(logits, target):
    ls = log_softmax(logits, 1)
    n = logits.shape[0]
    if target.shape == (n,):
        picked = ls[torch.arange(n, device=ls.device), target]
        return -picked.sum() / n
    return -(ls * target).sum() / n


def entropy(p):
    return -(torch.xlogy(p, p)).sum(-1)


def kl_div(p, q):
    return torch.sum(torch.xlogy(p, p) - torch.xlogy(p, q), -1)
