"""My losses homework."""
import torch


def mse(y_hat, y, reduction="mean"):
    flat_hat, flat_y = y_hat.reshape(-1), y.reshape(-1)
    sq = (flat_hat - flat_y) ** 2
    if reduction == "none":
        return sq.reshape(y_hat.shape)
    if reduction == "sum":
        return sq.sum()
    if reduction == "mean":
        return sq.sum() / max(sq.numel(), 1)
    raise ValueError("reduction must be mean/sum/none")


def l1(y_hat, y, reduction="mean"):
    flat = (y_hat - y).reshape(-1).abs()
    if reduction == "none":
        return flat.reshape(y_hat.shape)
    if reduction == "sum":
        return flat.sum()
    if reduction == "mean":
        return flat.sum() / max(flat.numel(), 1)
    raise ValueError("reduction must be mean/sum/none")


def huber(y_hat, y, delta=1.0):
    d = (y_hat - y).reshape(-1)
    a = d.abs()
    inside = a[a <= delta]
    outside = a[a > delta]
    total = (0.5 * inside ** 2).sum() + (delta * (outside - 0.5 * delta)).sum()
    return total / d.numel()


def sigmoid(x):
    e_neg = torch.exp(torch.where(x > 0, -x, x))
    return torch.where(x > 0, 1.0 / (1.0 + e_neg), e_neg / (1.0 + e_neg))


def bce(p, y):
    log_p = p.log()
    log_p = log_p.clamp(min=-100.0)
    log_q = (1.0 - p).log()
    log_q = log_q.clamp(min=-100.0)
    per = y * log_p + (1.0 - y) * log_q
    return -per.sum() / p.numel()


def bce_with_logits(logits, y):
    # stable: log sigma(z) = -softplus(-z)
    def sp(v):
        return torch.clamp(v, min=0) + torch.log1p(torch.exp(-torch.abs(v)))
    return (y * sp(-logits) + (1 - y) * sp(logits)).sum() / logits.numel()


def softmax(x, dim=-1):
    moved = x.movedim(dim, -1)
    m = moved.max(-1, keepdim=True).values
    e = (moved - m).exp()
    return (e / e.sum(-1, keepdim=True)).movedim(-1, dim)


def log_softmax(x, dim=-1):
    moved = x.movedim(dim, -1)
    m = moved.max(-1, keepdim=True).values
    res = moved - m - (moved - m).exp().sum(-1, keepdim=True).log()
    return res.movedim(-1, dim)


def cross_entropy(logits, target):
    ls = log_softmax(logits, dim=1)
    n = logits.shape[0]
    if target.shape == logits.shape:
        return -(ls * target.to(ls.dtype)).sum() / n
    return -ls.gather(1, target.view(n, 1)).sum() / n


def entropy(p):
    res = torch.special.xlogy(p, p)
    return -res.sum(dim=-1)


def kl_div(p, q):
    own = torch.special.xlogy(p, p)
    cross = torch.special.xlogy(p, q)
    return (own - cross).sum(dim=-1)
