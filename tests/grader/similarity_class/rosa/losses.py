import torch


def mse(y_hat, y, reduction="mean"):
    d = y_hat - y
    sq = d.square()
    results = {"none": sq}
    if reduction in ("mean", "sum"):
        results[reduction] = sq.mean() if reduction == "mean" else sq.sum()
    if reduction not in results:
        raise ValueError("reduction")
    return results[reduction]


def l1(y_hat, y, reduction="mean"):
    a = torch.where(y_hat > y, y_hat - y, y - y_hat)
    if reduction == "mean":
        return a.mean()
    if reduction == "sum":
        return a.sum()
    if reduction == "none":
        return a
    raise ValueError("reduction")


def huber(y_hat, y, delta=1.0):
    d = torch.abs(y_hat - y)
    over = torch.relu(d - delta)
    # 0.5*d^2 minus the part of the square beyond delta, plus the linear part
    return (0.5 * d ** 2 - 0.5 * over ** 2).mean()


def sigmoid(x):
    m = torch.maximum(x, torch.zeros_like(x))
    # sigma(x) = e^{x-m} / (e^{-m} + e^{x-m})
    return torch.exp(x - m) / (torch.exp(-m) + torch.exp(x - m))


def bce(p, y):
    a = torch.log(p)
    b = torch.log(1 - p)
    a = torch.nan_to_num(a, neginf=-100.0).clamp(min=-100.0)
    b = torch.nan_to_num(b, neginf=-100.0).clamp(min=-100.0)
    return (-(y * a) - (1 - y) * b).mean()


def bce_with_logits(logits, y):
    m = torch.maximum(logits, torch.zeros_like(logits))
    lse = m + torch.log(torch.exp(-m) + torch.exp(logits - m))
    return (lse - y * logits).mean()


def softmax(x, dim=-1):
    m = x.max(dim, keepdim=True)[0].detach()
    ex = (x - m).exp()
    return ex / ex.sum(dim, keepdim=True)


def log_softmax(x, dim=-1):
    m = x.max(dim, keepdim=True)[0].detach()
    return (x - m) - ((x - m).exp().sum(dim, keepdim=True)).log()


def cross_entropy(logits, target):
    n, c = logits.shape
    ls = log_softmax(logits, 1)
    if target.shape != (n, c):
        mask = torch.arange(c, device=logits.device)[None, :] == target[:, None]
        return -(ls * mask).sum() / n
    return -(ls * target).sum() / n


def entropy(p):
    p_log_p = p * torch.log(p)
    p_log_p = torch.nan_to_num(p_log_p, nan=0.0)
    return -p_log_p.sum(-1)


def kl_div(p, q):
    lr = torch.log(p) - torch.log(q)
    terms = p * lr
    terms = torch.where(p == 0, torch.zeros_like(terms), terms)
    return terms.sum(-1)
