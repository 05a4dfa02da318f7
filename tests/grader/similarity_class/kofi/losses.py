import torch


def mse(y_hat, y, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    r = y_hat - y
    loss = r * r
    if reduction == "sum":
        loss = torch.sum(loss)
    if reduction == "mean":
        loss = torch.sum(loss) / r.numel()
    return loss


def l1(y_hat, y, reduction="mean"):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError("reduction")
    r = y_hat - y
    loss = torch.sign(r) * r
    if reduction == "sum":
        loss = torch.sum(loss)
    if reduction == "mean":
        loss = torch.sum(loss) / r.numel()
    return loss


def huber(y_hat, y, delta=1.0):
    r = torch.abs(y_hat - y)
    linear_region = (r > delta).to(r.dtype)
    quadratic = 0.5 * r * r
    linear = delta * r - 0.5 * delta * delta
    return torch.mean(quadratic + linear_region * (linear - quadratic))


def sigmoid(x):
    ax = torch.abs(x)
    small = torch.exp(-ax) / (1 + torch.exp(-ax))
    return torch.where(x < 0, small, 1 - small)


def bce(p, y):
    n = p.numel()
    lp = torch.clamp(torch.log(p), min=-100.0)
    lq = torch.clamp(torch.log(1 - p), min=-100.0)
    return torch.sum(-y * lp - (1 - y) * lq) / n


def bce_with_logits(logits, y):
    m = torch.clamp(-logits, min=0)
    # log(1 + e^{-z}) = m + log(e^{-m} + e^{-z-m})
    log1pexp_neg = m + torch.log(torch.exp(-m) + torch.exp(-logits - m))
    return torch.mean(log1pexp_neg + (1 - y) * logits)


def log_softmax(x, dim=-1):
    mx = torch.amax(x, dim=dim, keepdim=True)
    return x - mx - torch.log(torch.sum(torch.exp(x - mx), dim=dim, keepdim=True))


def softmax(x, dim=-1):
    mx = torch.amax(x, dim=dim, keepdim=True)
    p = torch.exp(x - mx)
    return p / torch.sum(p, dim=dim, keepdim=True)


def cross_entropy(logits, target):
    mx = torch.amax(logits, dim=1, keepdim=True)
    lse = (mx + torch.log(torch.sum(torch.exp(logits - mx), dim=1, keepdim=True))).squeeze(1)
    if target.shape == logits.shape:
        return torch.mean(torch.sum(target * (lse[:, None] - logits), dim=1))
    true_scores = logits[torch.arange(len(target)), target]
    return torch.mean(lse - true_scores)


def entropy(p):
    out = p * torch.log(torch.where(p > 0, p, torch.ones_like(p)))
    return -torch.sum(out, dim=-1)


def kl_div(p, q):
    kl = p * torch.log(torch.where(p > 0, p, torch.ones_like(p))) - torch.where(p > 0, p * torch.log(q), torch.zeros_like(q))
    return torch.sum(kl, dim=-1)
