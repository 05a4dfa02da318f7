import torch
import torch.nn.functional as F


def mse(y_hat, y, reduction="mean"):
    values = (y_hat - y).abs() ** 2
    if reduction == "mean":
        return values.mean()
    elif reduction == "sum":
        return values.sum()
    elif reduction == "none":
        return values
    raise ValueError("reduction not understood")


def l1(y_hat, y, reduction="mean"):
    values = (y_hat - y).abs()
    if reduction == "mean":
        return values.mean()
    elif reduction == "sum":
        return values.sum()
    elif reduction == "none":
        return values
    raise ValueError("reduction not understood")


def huber(y_hat, y, delta=1.0):
    r = y_hat - y
    return torch.where(r.abs() > delta, delta * (r.abs() - delta / 2), r ** 2 / 2).mean()


def sigmoid(x):
    return torch.exp(-F.softplus(-x))


def bce(p, y):
    clipped_log = lambda t: torch.log(t).clamp(min=-100)
    return (-y * clipped_log(p) - (1 - y) * clipped_log(1 - p)).mean()


def bce_with_logits(logits, y):
    return (F.softplus(-logits) * y + F.softplus(logits) * (1 - y)).mean()


def softmax(x, dim=-1):
    e = torch.exp(x - torch.max(x, dim, True).values)
    return e / torch.sum(e, dim, True)


def log_softmax(x, dim=-1):
    z = x - torch.max(x, dim, True).values
    return z - torch.log(torch.sum(torch.exp(z), dim, True))


def cross_entropy(logits, target):
    # log-sum-exp of every row, stable
    biggest = torch.amax(logits, dim=1, keepdim=True)
    log_z = (biggest + torch.log(torch.sum(torch.exp(logits - biggest), dim=1, keepdim=True))).squeeze(1)
    if target.shape == logits.shape:
        return torch.mean(torch.sum(target * (log_z[:, None] - logits), dim=1))
    # score of the right class
    right = logits[torch.arange(len(target)), target]
    return torch.mean(log_z - right)


def entropy(p):
    h = p * torch.log(p.clamp_min(torch.finfo(p.dtype).tiny))
    return -h.sum(-1)


def kl_div(p, q):
    log_p = torch.log(p.clamp_min(torch.finfo(p.dtype).tiny))
    return torch.where(p > 0, p * (log_p - torch.log(q)), 0.0).sum(-1)
