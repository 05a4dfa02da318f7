import torch


def mse(y_hat, y, reduction="mean"):
    loss = (y_hat - y) ** 2
    if reduction == "mean":
        return loss.mean()
    elif reduction == "sum":
        return loss.sum()
    return loss


def l1(y_hat, y, reduction="mean"):
    loss = torch.abs(y_hat - y)
    if reduction == "mean":
        return loss.mean()
    elif reduction == "sum":
        return loss.sum()
    return loss


def huber(y_hat, y, delta=1.0):
    d = torch.abs(y_hat - y)
    loss = torch.where(d <= delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))
    return loss.mean()


def sigmoid(x):
    return torch.where(x >= 0, 1 / (1 + torch.exp(-x.abs())), torch.exp(-x.abs()) / (1 + torch.exp(-x.abs())))


def bce(p, y):
    log_p = torch.clamp(torch.log(p), min=-100)
    log_1mp = torch.clamp(torch.log(1 - p), min=-100)
    return -(y * log_p + (1 - y) * log_1mp).mean()


def bce_with_logits(logits, y):
    # max(z, 0) - z*y + log(1 + exp(-|z|))
    return (torch.clamp(logits, min=0) - logits * y + torch.log1p(torch.exp(-logits.abs()))).mean()


def softmax(x, dim=-1):
    x_max = x.max(dim=dim, keepdim=True).values
    e = torch.exp(x - x_max)
    return e / e.sum(dim=dim, keepdim=True)


def log_softmax(x, dim=-1):
    x_max = x.max(dim=dim, keepdim=True).values
    shifted = x - x_max
    return shifted - torch.log(torch.exp(shifted).sum(dim=dim, keepdim=True))


def cross_entropy(logits, target):
    logp = log_softmax(logits, dim=1)
    if target.dim() == 1:
        return -logp[torch.arange(logits.shape[0], device=logits.device), target].mean()
    return -(target * logp).sum(dim=1).mean()


def entropy(p):
    return -torch.xlogy(p, p).sum(dim=-1)


def kl_div(p, q):
    return (torch.xlogy(p, p) - torch.xlogy(p, q)).sum(dim=-1)
