
import torch


def mse(y_hat, y, reduction="mean"):
    n = y_hat.numel()
    sq = torch.einsum("...,...->...", y_hat - y, y_hat - y)
    if reduction == "none":
        return sq
    if reduction == "sum":
        return torch.einsum("...->", sq)
    if reduction == "mean":
        return torch.einsum("...->", sq) / n
    raise ValueError("reduction must be 'mean', 'sum' or 'none'")


def l1(y_hat, y, reduction="mean"):
    ab = (y_hat - y).abs()
    sizes = {"sum": 1, "mean": ab.numel()}
    if reduction == "none":
        return ab
    if reduction not in sizes:
        raise ValueError("reduction must be 'mean', 'sum' or 'none'")
    return ab.sum() / sizes[reduction]


def huber(y_hat, y, delta=1.0):
    t = y_hat - y
    inner = torch.clamp(t.abs(), max=delta)
    return torch.mean(0.5 * inner * inner + delta * (t.abs() - inner))


def sigmoid(x):
    half = 0.5 * x
    return 0.5 + 0.5 * torch.tanh(half)


def bce(p, y):
    lp = torch.maximum(torch.log(p), torch.full_like(p, -100.0))
    lq = torch.maximum(torch.log(1 - p), torch.full_like(p, -100.0))
    return torch.mean(-y * lp - (1 - y) * lq)


def bce_with_logits(logits, y):
    a = logits.abs()
    softplus_abs = a + torch.log1p(torch.exp(-a))  # softplus(|z|)
    sp_z = torch.where(logits > 0, softplus_abs, softplus_abs - a)
    sp_negz = sp_z - logits
    return torch.mean(y * sp_negz + (1 - y) * sp_z)


def logsumexp_keep(x, dim):
    c = torch.amax(x, dim=dim, keepdim=True)
    return c + torch.log(torch.sum(torch.exp(x - c), dim=dim, keepdim=True))


def softmax(x, dim=-1):
    return torch.exp(x - logsumexp_keep(x, dim))


def log_softmax(x, dim=-1):
    return x - logsumexp_keep(x, dim)


def cross_entropy(logits, target):
    lse = logsumexp_keep(logits, 1)
    nll = lse - logits
    if target.ndim == 1:
        picked = nll.gather(1, target.unsqueeze(1))
        return picked.mean()
    return (nll * target).sum(1).mean()


def entropy(p):
    ent = torch.zeros_like(p[..., 0])
    for k in range(p.shape[-1]):
        pk = p[..., k]
        ent = ent - torch.where(pk > 0, pk * torch.log(pk.clamp(min=1e-300)), torch.zeros_like(pk))
    return ent


def kl_div(p, q):
    res = torch.zeros_like(p[..., 0])
    for k in range(p.shape[-1]):
        pk, qk = p[..., k], q[..., k]
        res = res + torch.where(pk > 0, pk * (torch.log(pk.clamp(min=1e-300)) - torch.log(qk)), torch.zeros_like(pk))
    return res
