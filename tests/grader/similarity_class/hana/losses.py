import torch
from torch import nn


def mse(y_hat, y, reduction="mean"):
    e = y_hat.sub(y).square()
    return {"mean": e.mean, "sum": e.sum, "none": lambda: e}[reduction]()


def l1(y_hat, y, reduction="mean"):
    e = y_hat.sub(y).abs()
    return {"mean": e.mean, "sum": e.sum, "none": lambda: e}[reduction]()


def huber(y_hat, y, delta=1.0):
    a = y_hat.sub(y).abs()
    excess = (a - delta).clamp(min=0)
    core = a - excess
    return (core.square().mul(0.5) + excess.mul(delta)).mean()


def sigmoid(x):
    t = torch.tanh(x / 2)
    return (t + 1) / 2


def bce(p, y):
    lo = torch.tensor(-100.0, dtype=p.dtype, device=p.device)
    lp = torch.maximum(p.log(), lo)
    l1p = torch.maximum((1 - p).log(), lo)
    return y.mul(lp).add((1 - y).mul(l1p)).neg().mean()


def bce_with_logits(logits, y):
    sp = nn.functional.softplus
    return sp(logits).sub(y.mul(logits)).mean()


def softmax(x, dim=-1):
    e = x.sub(x.amax(dim, keepdim=True)).exp()
    return e.div(e.sum(dim, keepdim=True))


def log_softmax(x, dim=-1):
    s = x.sub(x.amax(dim, keepdim=True))
    return s.sub(s.exp().sum(dim, keepdim=True).log())


def cross_entropy(logits, target):
    lp = log_softmax(logits, 1)
    if target.ndim == 1:
        return lp.gather(1, target[:, None]).mean().neg()
    return lp.mul(target.to(lp.dtype)).sum(1).mean().neg()


def entropy(p):
    safe = p.masked_fill(p <= 0, 1.0)
    return p.mul(safe.log()).sum(-1).neg()


def kl_div(p, q):
    safe = p.masked_fill(p <= 0, 1.0)
    term = p.mul(safe.log().sub(q.log()))
    return term.masked_fill(p <= 0, 0.0).sum(-1)
