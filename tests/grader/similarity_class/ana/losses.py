import torch


def _apply(values, reduction):
    if reduction == "none":
        return values
    elif reduction == "sum":
        return values.sum()
    elif reduction == "mean":
        return values.mean()
    else:
        raise ValueError("bad reduction: " + str(reduction))


def mse(y_hat, y, reduction="mean"):
    diff = y_hat - y
    return _apply(diff * diff, reduction)


def l1(y_hat, y, reduction="mean"):
    return _apply(torch.abs(y_hat - y), reduction)


def huber(y_hat, y, delta=1.0):
    err = torch.abs(y_hat - y)
    quad = 0.5 * err ** 2
    lin = delta * (err - 0.5 * delta)
    return torch.where(err <= delta, quad, lin).mean()


def sigmoid(x):
    e = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce(p, y):
    a = torch.clamp(torch.log(p), min=-100)
    b = torch.clamp(torch.log(1 - p), min=-100)
    return torch.mean(-(y * a + (1 - y) * b))


def bce_with_logits(logits, y):
    # max(z, 0) - z*y + log(1 + exp(-|z|))
    return (torch.clamp(logits, min=0) - logits * y + torch.log1p(torch.exp(-torch.abs(logits)))).mean()


def softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    e = torch.exp(x - m)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    m = x.max(dim=dim, keepdim=True).values
    z = x - m
    return z - torch.log(torch.exp(z).sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    lp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        rows = torch.arange(logits.shape[0], device=logits.device)
        return -lp[rows, target].mean()
    return -(target * lp).sum(dim=1).mean()


def entropy(p):
    logp = torch.log(torch.where(p > 0, p, torch.ones_like(p)))
    return -(p * logp).sum(dim=-1)


def kl_div(p, q):
    safe = torch.where(p > 0, p, torch.ones_like(p))
    t = p * (torch.log(safe) - torch.log(q))
    return torch.where(p > 0, t, torch.zeros_like(t)).sum(dim=-1)
