import torch
from torch.nn import functional as fn


def mse(y_hat, y, reduction="mean"):
    losses = torch.pow(torch.abs(y_hat - y), 2.0)
    return losses if reduction == "none" else (losses.sum() if reduction == "sum" else losses.mean())


def l1(y_hat, y, reduction="mean"):
    losses = torch.abs(y_hat - y)
    return losses if reduction == "none" else (losses.sum() if reduction == "sum" else losses.mean())


def huber(y_hat, y, delta=1.0):
    x = y_hat - y
    q = torch.clamp(x, -delta, delta)
    # q*x - q^2/2 equals both pieces of the Huber loss
    return (q * x - 0.5 * q * q).mean()


def sigmoid(x):
    return torch.exp(-fn.softplus(-x))


def bce(p, y):
    hi = torch.log(p).clamp(min=-100)
    lo = torch.log(1 - p).clamp(min=-100)
    return (-(hi * y) - lo * (1 - y)).mean()


def bce_with_logits(logits, y):
    log_sig = -fn.softplus(-logits)
    log_one_minus = -fn.softplus(logits)
    return -(y * log_sig + (1 - y) * log_one_minus).mean()


def softmax(x, dim=-1):
    x_max = torch.max(x, dim=dim, keepdim=True).values
    unnorm = torch.exp(x - x_max)
    return unnorm / unnorm.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    return x - _log_norm(x, dim)


def _log_norm(x, dim):
    x_max = torch.max(x, dim=dim, keepdim=True).values
    return x_max + torch.log(torch.exp(x - x_max).sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    norm = _log_norm(logits, 1)
    if target.dim() == 2:
        loss_rows = (target * (norm - logits)).sum(1)
    else:
        loss_rows = (norm - logits).gather(1, target.unsqueeze(1)).squeeze(1)
    return loss_rows.mean()


def entropy(p):
    nz = p != 0
    safe_p = p.where(nz, torch.ones_like(p))
    return -(p * safe_p.log()).sum(-1)


def kl_div(p, q):
    nz = p != 0
    safe_p = p.where(nz, torch.ones_like(p))
    out = p * safe_p.log() - p * q.log()
    return out.where(nz, torch.zeros_like(out)).sum(-1)
