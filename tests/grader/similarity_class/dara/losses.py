import torch


def reduce_loss(t, how):
    """Shared helper for mse and l1."""
    if how not in ("mean", "sum", "none"):
        raise ValueError(f"unsupported reduction {how}")
    return t if how == "none" else getattr(t, how)()


def mse(y_hat, y, reduction="mean"):
    residual = y_hat - y
    return reduce_loss(residual ** 2, reduction)


def l1(y_hat, y, reduction="mean"):
    residual = y_hat - y
    return reduce_loss(residual.abs(), reduction)


def huber(y_hat, y, delta=1.0):
    r = (y_hat - y).abs()
    clipped = torch.minimum(r, torch.full_like(r, delta))
    return (0.5 * clipped ** 2 + delta * torch.relu(r - delta)).mean()


def sigmoid(x):
    out = torch.empty_like(x)
    pos = x >= 0
    neg = ~pos
    out[pos] = 1 / (1 + torch.exp(-x[pos]))
    ex = torch.exp(x[neg])
    out[neg] = ex / (1 + ex)
    return out


def bce(p, y):
    log_p = torch.log(p)
    log_1mp = torch.log(1 - p)
    log_p = torch.where(log_p < -100, torch.full_like(log_p, -100.0), log_p)
    log_1mp = torch.where(log_1mp < -100, torch.full_like(log_1mp, -100.0), log_1mp)
    total = y * log_p + (1 - y) * log_1mp
    return -total.sum() / total.numel()


def softplus(z):
    return torch.logaddexp(torch.zeros_like(z), z)


def bce_with_logits(logits, y):
    # softplus(-z) = softplus(z) - z
    return (softplus(logits) - y * logits).mean()


def softmax(x, dim=-1):
    shifted = x - torch.amax(x, dim=dim, keepdim=True)
    ex = shifted.exp()
    total = ex.sum(dim=dim, keepdim=True)
    return ex / total


def log_softmax(x, dim=-1):
    shifted = x - torch.amax(x, dim=dim, keepdim=True)
    return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(logits, target):
    n = logits.size(0)
    logp = log_softmax(logits, dim=1)
    if target.ndim == 2:
        per_row = -(target.to(logp.dtype) * logp).sum(dim=1)
    else:
        per_row = -logp[torch.arange(n, device=logits.device), target]
    return per_row.sum() / n


def entropy(p):
    terms = torch.zeros_like(p)
    nz = p > 0
    terms[nz] = p[nz] * torch.log(p[nz])
    return -terms.sum(dim=-1)


def kl_div(p, q):
    terms = torch.zeros_like(p)
    nz = p > 0
    terms[nz] = p[nz] * torch.log(p[nz] / q[nz])
    return terms.sum(dim=-1)
