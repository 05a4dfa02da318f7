import torch


def kl_div(prob, other):
    out = torch.zeros_like(prob)
    keep = prob > 0
    # only where prob is nonzero; the rest stays 0
    out[keep] = prob[keep] * torch.log(prob[keep] / other[keep])
    return out.sum(dim=-1)


def entropy(prob):
    out = torch.zeros_like(prob)
    keep = prob > 0
    out[keep] = prob[keep] * torch.log(prob[keep])  # 0 log 0 is taken as 0
    return -out.sum(dim=-1)


def softmax(inp, dim=-1):
    # exp-normalize trick
    centred = inp - torch.amax(inp, dim=dim, keepdim=True)
    expd = centred.exp()
    return expd / expd.sum(dim=dim, keepdim=True)


def log_softmax(inp, dim=-1):
    centred = inp - torch.amax(inp, dim=dim, keepdim=True)
    return centred - centred.exp().sum(dim=dim, keepdim=True).log()


def cross_entropy(scores, labels):
    count = scores.size(0)
    logprob = log_softmax(scores, dim=1)
    if labels.ndim == 2:
        losses = -(labels.to(logprob.dtype) * logprob).sum(dim=1)
    else:
        losses = -logprob[torch.arange(count, device=scores.device), labels]
    return losses.sum() / count


def apply_reduction(values, mode):
    """Reduce the per-element losses."""
    if mode not in ("mean", "sum", "none"):
        raise ValueError(f"reduction {mode} is not supported")
    return values if mode == "none" else getattr(values, mode)()


def l1(y_hat, y, reduction="mean"):
    err = y_hat - y
    return apply_reduction(err.abs(), reduction)


def mse(y_hat, y, reduction="mean"):
    err = y_hat - y
    return apply_reduction(err**2, reduction)


def huber(y_hat, y, delta=1.0):
    gap = (y_hat - y).abs()
    capped = torch.minimum(gap, torch.full_like(gap, delta))
    return (0.5 * capped**2 + delta * torch.relu(gap - delta)).mean()


def sigmoid(inp):
    res = torch.empty_like(inp)
    positive = inp >= 0
    negative = ~positive
    res[positive] = 1 / (1 + torch.exp(-inp[positive]))
    e = torch.exp(inp[negative])
    res[negative] = e / (1 + e)
    return res


def bce(prob, y):
    lp = torch.log(prob)
    lnp = torch.log(1 - prob)
    lp = torch.where(lp < -100, torch.full_like(lp, -100.0), lp)
    lnp = torch.where(lnp < -100, torch.full_like(lnp, -100.0), lnp)
    s = y * lp + (1 - y) * lnp
    return -s.sum() / s.numel()


def _softplus(t):
    return torch.logaddexp(torch.zeros_like(t), t)


def bce_with_logits(scores, y):
    return (_softplus(scores) - y * scores).mean()
