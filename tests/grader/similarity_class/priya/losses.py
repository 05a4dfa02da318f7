import torch
import torch.nn.functional as F

_OK = ("mean", "sum", "none")


def _elementwise_then(fn):
    """Decorator: the wrapped function returns per-element losses; apply the reduction."""

    def wrapper(y_hat, y, reduction="mean"):
        if reduction not in _OK:
            raise ValueError(f"reduction must be one of {_OK}")
        per = fn(y_hat, y)
        if reduction == "none":
            return per
        return per.sum() if reduction == "sum" else per.mean()

    return wrapper


@_elementwise_then
def mse(y_hat, y):
    return (y_hat - y).square()


@_elementwise_then
def l1(y_hat, y):
    return (y_hat - y).abs()


def huber(y_hat, y, delta=1.0):
    ad = (y_hat - y).abs()
    return torch.where(ad < delta, 0.5 * ad.square(), delta * ad - 0.5 * delta * delta).mean()


def sigmoid(x):
    sp = F.softplus(-x.abs())
    log_sig = torch.where(x >= 0, -sp, x - sp)
    return log_sig.exp()


def bce(p, y):
    log_p = torch.clamp(p.log(), -100)
    log_not_p = torch.clamp((1 - p).log(), -100)
    return -(y * log_p + (1 - y) * log_not_p).mean()


def bce_with_logits(logits, y):
    return (logits.clamp(min=0) - logits * y + F.softplus(-logits.abs())).mean()


def softmax(x, dim=-1):
    return torch.exp(log_softmax(x, dim))


def log_softmax(x, dim=-1):
    peak = x.max(dim, keepdim=True).values
    centered = x - peak
    return centered - centered.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits, target):
    lp = log_softmax(logits, 1)
    if target.shape == logits.shape:
        return -(target * lp).sum(1).mean()
    return -lp[torch.arange(len(target), device=lp.device), target].mean()


def entropy(p):
    plogp = torch.special.xlogy(p, p)
    return plogp.sum(-1).neg()


def kl_div(p, q):
    pos = p > 0
    t = torch.zeros_like(p)
    t[pos] = p[pos] * (p[pos].log() - q[pos].log())
    return t.sum(-1)
