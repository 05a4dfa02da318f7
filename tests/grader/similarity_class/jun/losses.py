import torch
import torch.nn.functional as F


def _reduced(values, reduction):
    if reduction == "mean":
        return torch.mean(values)
    if reduction == "sum":
        return torch.sum(values)
    if reduction == "none":
        return values
    raise ValueError(reduction)


def mse(y_hat, y, reduction="mean"):
    return _reduced(F.relu(y_hat - y) ** 2 + F.relu(y - y_hat) ** 2, reduction)


def l1(y_hat, y, reduction="mean"):
    return _reduced(F.relu(y_hat - y) + F.relu(y - y_hat), reduction)


def huber(y_hat, y, delta=1.0):
    d = y_hat - y
    a = d.abs()
    pieces = torch.stack([0.5 * d ** 2, delta * (a - 0.5 * delta)])
    choose = (a > delta).long().unsqueeze(0)
    return pieces.gather(0, choose).squeeze(0).mean()


def sigmoid(x):
    # sigma(x) = exp(x - softplus(x))
    return torch.exp(x - F.softplus(x))


def bce(p, y):
    log_pos = torch.log(p).clamp(min=-100)
    log_neg = torch.log(1 - p).clamp(min=-100)
    return -torch.lerp(log_neg, log_pos, y).mean()


def bce_with_logits(logits, y):
    return torch.mean(F.softplus(logits) - y * logits)


def softmax(x, dim=-1):
    z = x - x.detach().max(dim=dim, keepdim=True).values
    ez = z.exp()
    return ez / ez.sum(dim, keepdim=True)


def log_softmax(x, dim=-1):
    z = x - x.detach().max(dim=dim, keepdim=True).values
    return z - z.exp().sum(dim, keepdim=True).log()


def cross_entropy(logits, target):
    lsm = log_softmax(logits, dim=-1)
    if target.dim() == lsm.dim():
        weights = target.to(lsm.dtype)
    else:
        weights = F.one_hot(target, num_classes=logits.shape[-1]).to(lsm.dtype)
    return torch.mean(-torch.einsum("nc,nc->n", weights, lsm))


def entropy(p):
    lg = torch.log(p)
    lg = torch.nan_to_num(lg, neginf=0.0)
    return -torch.einsum("...k,...k->...", p, lg)


def kl_div(p, q):
    lp = torch.nan_to_num(torch.log(p), neginf=0.0)
    lq = torch.log(q)
    term = torch.where(p > 0, p * (lp - lq), torch.zeros_like(p))
    return term.sum(-1)
