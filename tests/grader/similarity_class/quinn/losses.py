import torch
import torch.nn.functional as F

LOG_MIN = -100.0


def reduce_by(t, how):
    if how == "none":
        return t
    if how == "sum":
        return t.sum()
    if how == "mean":
        return t.sum().div(t.numel())
    raise ValueError(how)


def mse(y_hat, y, reduction="mean"):
    gap = y.sub(y_hat)
    return reduce_by(gap.mul(gap), reduction)


def l1(y_hat, y, reduction="mean"):
    return reduce_by(y.sub(y_hat).abs(), reduction)


def huber(y_hat, y, delta=1.0):
    gap = y.sub(y_hat).abs()
    quadratic = gap.pow(2).mul(0.5)
    linear = gap.sub(delta / 2).mul(delta)
    mask = gap.le(delta)
    return quadratic.where(mask, linear).mean()


def sigmoid(x):
    safe = x.clamp(min=-80.0, max=80.0)
    return torch.reciprocal(1.0 + torch.exp(-safe))


def bce(p, y):
    term_one = y.mul(p.log().clamp(min=LOG_MIN))
    term_zero = y.neg().add(1).mul(p.neg().log1p().clamp(min=LOG_MIN))
    return term_one.add(term_zero).mean().neg()


def bce_with_logits(logits, y):
    return F.softplus(logits).sub(logits.mul(y)).mean()


def softmax(x, dim=-1):
    top = x.max(dim=dim, keepdim=True).values
    w = x.sub(top).exp()
    return w.div(w.sum(dim=dim, keepdim=True))


def log_softmax(x, dim=-1):
    top = x.max(dim=dim, keepdim=True).values
    return x.sub(top).sub(x.sub(top).exp().sum(dim=dim, keepdim=True).log())


def cross_entropy(logits, target):
    lsm = log_softmax(logits, dim=1)
    if target.dim() == 2:
        return lsm.mul(target).sum(dim=1).mean().neg()
    return lsm.gather(dim=1, index=target.view(-1, 1)).mean().neg()


def entropy(p):
    return torch.special.xlogy(p, p).sum(dim=-1).neg()


def kl_div(p, q):
    lp = torch.special.xlogy(p, p)
    lq = torch.special.xlogy(p, q)
    return lp.sub(lq).sum(dim=-1)
