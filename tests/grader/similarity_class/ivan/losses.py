import torch


def _check(reduction):
    if reduction not in {"mean", "sum", "none"}:
        raise ValueError(f"reduction {reduction} not supported")


def mse(y_hat, y, reduction="mean"):
    _check(reduction)
    sq = (y - y_hat) ** 2
    if reduction == "none":
        return sq
    return sq.mean() if reduction == "mean" else sq.sum()


def l1(y_hat, y, reduction="mean"):
    _check(reduction)
    ab = torch.abs(y - y_hat)
    if reduction == "none":
        return ab
    return ab.mean() if reduction == "mean" else ab.sum()


def huber(y_hat, y, delta=1.0):
    d = y - y_hat
    sq = 0.5 * d ** 2
    li = delta * torch.abs(d) - 0.5 * delta ** 2
    keep_square = torch.abs(d) <= delta
    return (sq * keep_square + li * ~keep_square).mean()


def sigmoid(x):
    z = torch.exp(-torch.abs(x))
    pos = 1 / (1 + z)
    return pos * (x >= 0) + (1 - pos) * (x < 0)


def bce(p, y):
    logp = torch.log(p)
    log1mp = torch.log(1 - p)
    total = y * torch.clamp(logp, min=-100) + (1 - y) * torch.clamp(log1mp, min=-100)
    return -(total.mean())


def bce_with_logits(logits, y):
    zero = torch.zeros_like(logits)
    sp_pos = torch.logaddexp(zero, logits)
    sp_neg = torch.logaddexp(zero, -logits)
    return (y * sp_neg + (1 - y) * sp_pos).mean()


def log_softmax(x, dim=-1):
    return _log_softmax(x, dim)


def _log_softmax(x, dim):
    c = torch.max(x, dim=dim, keepdim=True).values
    return (x - c) - torch.log(torch.exp(x - c).sum(dim=dim, keepdim=True))


def softmax(x, dim=-1):
    c = torch.max(x, dim=dim, keepdim=True).values
    w = torch.exp(x - c)
    return w / w.sum(dim=dim, keepdim=True)


def cross_entropy(logits, target):
    lp = _log_softmax(logits, 1)
    if target.shape == logits.shape:
        return -(lp * target).sum(dim=1).mean()
    idx = target.long().reshape(-1, 1)
    return -torch.gather(lp, 1, idx).mean()


def entropy(p):
    h = torch.zeros(p.shape[:-1], dtype=p.dtype, device=p.device)
    for j in range(p.shape[-1]):
        pj = p[..., j]
        h = h - torch.where(pj > 0, pj * torch.log(torch.where(pj > 0, pj, torch.ones_like(pj))), torch.zeros_like(pj))
    return h


def kl_div(p, q):
    out = torch.zeros(p.shape[:-1], dtype=p.dtype, device=p.device)
    for j in range(p.shape[-1]):
        pj, qj = p[..., j], q[..., j]
        safe = torch.where(pj > 0, pj, torch.ones_like(pj))
        out = out + torch.where(pj > 0, pj * (torch.log(safe) - torch.log(qj)), torch.zeros_like(pj))
    return out
