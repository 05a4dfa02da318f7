import math

import torch
import torch.nn.functional as F

REDUCERS = {
    "mean": lambda t: t.mean(),
    "sum": lambda t: t.sum(),
    "none": lambda t: t,
}


def mse(y_hat, y, reduction="mean"):
    return REDUCERS[reduction]((y_hat - y).pow(2))


def l1(y_hat, y, reduction="mean"):
    return REDUCERS[reduction]((y_hat - y).abs())


def huber(y_hat, y, delta=1.0):
    a = (y_hat - y).abs()
    inner = a.clamp(max=delta)
    outer = a - inner
    return (0.5 * inner.pow(2) + delta * outer).mean()


def sigmoid(x):
    return 0.5 * (1 + torch.tanh(0.5 * x))


def bce(p, y):
    floor = -100.0
    lp = p.log().clamp(min=floor)
    lq = (1 - p).log().clamp(min=floor)
    return -(y * lp + (1 - y) * lq).mean()


def bce_with_logits(logits, y):
    return (y * F.softplus(-logits) + (1 - y) * F.softplus(logits)).mean()


def log_softmax(x, dim=-1):
    top = x.amax(dim=dim, keepdim=True)
    lse = top + (x - top).exp().sum(dim=dim, keepdim=True).log()
    return x - lse


def softmax(x, dim=-1):
    return log_softmax(x, dim).exp()


def cross_entropy(logits, target):
    logp = log_softmax(logits, 1)
    n, c = logits.shape
    if target.shape == (n,):
        target = F.one_hot(target, c)
    return -(target.to(logp.dtype) * logp).sum(1).mean()


def entropy(p):
    return -torch.xlogy(p, p).sum(-1)


def kl_div(p, q):
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(-1)
