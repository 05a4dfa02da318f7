import torch


def mse(y_hat, y, reduction="mean"):
    # mean of squared residuals
    if reduction == "sum":
        return ((y_hat - y) ** 2).sum()
    if reduction == "none":
        return (y_hat - y) ** 2
    if reduction == "mean":
        return torch.mean((y_hat - y) ** 2)
    raise ValueError("reduction?")


def l1(y_hat, y, reduction="mean"):
    if reduction == "sum":
        return torch.sum(torch.abs(y_hat - y))
    if reduction == "none":
        return torch.abs(y_hat - y)
    if reduction == "mean":
        return torch.mean(torch.abs(y_hat - y))
    raise ValueError("reduction?")


def huber(y_hat, y, delta=1.0):
    losses = []
    for a, b in zip(y_hat.reshape(-1), y.reshape(-1)):
        d = torch.abs(a - b)
        if d <= delta:
            losses.append(0.5 * d * d)
        else:
            losses.append(delta * (d - 0.5 * delta))
    return torch.stack(losses).mean()


def sigmoid(x):
    flat = x.reshape(-1)
    outs = []
    for v in flat:
        if v >= 0:
            outs.append(1 / (1 + torch.exp(-v)))
        else:
            ev = torch.exp(v)
            outs.append(ev / (1 + ev))
    return torch.stack(outs).reshape(x.shape) if outs else x.clone()


def bce(p, y):
    pos = torch.log(p)
    pos = torch.where(pos > -100, pos, -100.0)
    neg = torch.log(1 - p)
    neg = torch.where(neg > -100, neg, -100.0)
    return torch.mean(-(y * pos) - (1 - y) * neg)


def bce_with_logits(logits, y):
    tail = torch.log1p(torch.exp(-logits.abs()))
    out = torch.where(logits >= 0, logits * (1 - y) + tail, -logits * y + tail)
    return out.mean()


def softmax(x, dim=-1):
    m, _ = x.max(dim=dim, keepdim=True)
    out = torch.exp(x - m)
    s = out.sum(dim=dim, keepdim=True)
    return out / s


def log_softmax(x, dim=-1):
    m, _ = x.max(dim=dim, keepdim=True)
    logsum = torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True)) + m
    return x - logsum


def cross_entropy(logits, target):
    logp = log_softmax(logits, dim=1)
    n = logits.shape[0]
    if target.ndim == 1:
        losses = [-logp[i][target[i]] for i in range(n)]
        return torch.stack(losses).mean()
    losses = [-(target[i] * logp[i]).sum() for i in range(n)]
    return torch.stack(losses).mean()


def entropy(p):
    logs = torch.log(p)
    prod = torch.where(p > 0, p * torch.where(p > 0, logs, 0.0), 0.0)
    return -prod.sum(dim=-1)


def kl_div(p, q):
    ratio_log = torch.log(torch.where(p > 0, p, 1.0)) - torch.log(q)
    return torch.where(p > 0, p * ratio_log, 0.0).sum(dim=-1)
