import torch
import torch.nn.functional as F


class Reduce:
    """Pick a reduction by name."""

    ops = {"sum": torch.sum, "mean": torch.mean}

    @classmethod
    def apply(cls, t, name):
        if name == "none":
            return t
        if name not in cls.ops:
            raise ValueError("reduction must be mean, sum or none")
        return cls.ops[name](t)


def mse(y_hat, y, reduction="mean"):
    return Reduce.apply(torch.pow(y_hat - y, 2), reduction)


def l1(y_hat, y, reduction="mean"):
    return Reduce.apply((y - y_hat).abs(), reduction)


def huber(y_hat, y, delta=1.0):
    e = (y - y_hat).abs()
    return torch.mean(torch.where(e > delta, delta * e - 0.5 * delta ** 2, 0.5 * e ** 2))


def sigmoid(x):
    lse = torch.logaddexp(torch.zeros_like(x), -x)
    return torch.exp(-lse)


def bce(p, y):
    losses = -(y * torch.log(p).clamp(-100, None) + (1 - y) * torch.log(1 - p).clamp(-100, None))
    return losses.mean()


def bce_with_logits(logits, y):
    return -(y * F.logsigmoid(logits) + (1 - y) * F.logsigmoid(-logits)).mean()


def softmax(x, dim=-1):
    x = x.transpose(dim, -1)
    x = x - x.max(-1, keepdim=True).values
    out = x.exp() / x.exp().sum(-1, keepdim=True)
    return out.transpose(dim, -1)


def log_softmax(x, dim=-1):
    x = x.transpose(dim, -1)
    x = x - x.max(-1, keepdim=True).values
    out = x - x.exp().sum(-1, keepdim=True).log()
    return out.transpose(dim, -1)


def cross_entropy(logits, target):
    logprobs = log_softmax(logits)
    if target.dtype in (torch.int64, torch.int32) and target.dim() == 1:
        onehot = torch.zeros_like(logprobs).scatter(1, target.unsqueeze(-1), 1.0)
    else:
        onehot = target.to(logprobs.dtype)
    return -(onehot * logprobs).sum(-1).mean()


def entropy(p):
    plogp = torch.where(p == 0, torch.zeros_like(p), p * torch.log(torch.where(p == 0, torch.ones_like(p), p)))
    return -plogp.sum(-1)


def kl_div(p, q):
    cross = torch.where(p == 0, torch.zeros_like(p), -p * torch.log(q))
    return cross.sum(-1) - entropy(p)
