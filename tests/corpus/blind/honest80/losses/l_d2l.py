"""Losses, d2l 3.6 / 4.x style: log_probs[range(n), y] and friends."""
import torch

LOG_MIN = -100


def mse(y_hat, y, reduction="mean"):
    l = (y_hat - y) ** 2
    if reduction == "mean":
        return l.mean()
    elif reduction == "sum":
        return l.sum()
    return l


def l1(y_hat, y, reduction="mean"):
    l = torch.abs(y_hat - y)
    if reduction == "mean":
        return l.mean()
    elif reduction == "sum":
        return l.sum()
    return l


def huber(y_hat, y, delta=1.0):
    d = y_hat - y
    abs_d = torch.abs(d)
    quad = 0.5 * d ** 2
    lin = delta * (abs_d - 0.5 * delta)
    return torch.where(abs_d <= delta, quad, lin).mean()


def sigmoid(x):
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def bce(p, y):
    log_p = torch.clamp(torch.log(p), min=LOG_MIN)
    log_1mp = torch.clamp(torch.log(1 - p), min=LOG_MIN)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits, y):
    # max(z, 0) - z*y + log(1 + exp(-|z|))
    z = logits
    return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()


def softmax(X, dim=-1):
    X_max = X.max(dim=dim, keepdim=True).values
    X_exp = torch.exp(X - X_max)
    partition = X_exp.sum(dim, keepdim=True)
    return X_exp / partition


def log_softmax(X, dim=-1):
    X_max = X.max(dim=dim, keepdim=True).values
    shifted = X - X_max
    return shifted - torch.log(torch.exp(shifted).sum(dim, keepdim=True))


def cross_entropy(y_hat, y):
    log_probs = log_softmax(y_hat, dim=1)
    if y.dim() == 1:
        return -log_probs[range(len(log_probs)), y].mean()
    return -(y.to(log_probs.dtype) * log_probs).sum(dim=1).mean()


def entropy(p):
    plogp = torch.where(p > 0, p * torch.log(torch.where(p > 0, p, torch.ones_like(p))), torch.zeros_like(p))
    return -plogp.sum(dim=-1)


def kl_div(p, q):
    safe_p = torch.where(p > 0, p, torch.ones_like(p))
    terms = torch.where(p > 0, p * (torch.log(safe_p) - torch.log(q)), torch.zeros_like(p))
    return terms.sum(dim=-1)
