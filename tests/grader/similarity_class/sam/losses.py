import torch
from torch import Tensor
from typing import Callable


def _reduction(name: str) -> Callable[[Tensor], Tensor]:
    if name == "mean":
        return torch.mean
    if name == "sum":
        return torch.sum
    if name == "none":
        return lambda t: t
    raise ValueError(f"no such reduction: {name}")


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    reduce = _reduction(reduction)
    return reduce(torch.pow(y_hat - y, 2))


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    reduce = _reduction(reduction)
    return reduce(torch.abs(y_hat - y))


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    err = y_hat - y
    abs_err = err.abs()
    small = abs_err <= delta
    loss = torch.zeros_like(err)
    loss = loss + small * (0.5 * err * err)
    loss = loss + (~small) * (delta * abs_err - 0.5 * delta ** 2)
    return loss.mean()


def sigmoid(x: Tensor) -> Tensor:
    z = torch.exp(-x.abs())
    denom = 1 + z
    return torch.where(x < 0, z / denom, 1 / denom)


def bce(p: Tensor, y: Tensor) -> Tensor:
    log_p = torch.log(p)
    log_1_minus_p = torch.log1p(-p)
    floor = -100
    log_p = log_p.clamp(min=floor)
    log_1_minus_p = log_1_minus_p.clamp(min=floor)
    return -torch.mean(y * log_p + (1 - y) * log_1_minus_p)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    neg_abs = -logits.abs()
    log_sigmoid_pos = torch.minimum(logits, torch.zeros_like(logits)) - torch.log1p(neg_abs.exp())
    log_sigmoid_neg = torch.minimum(-logits, torch.zeros_like(logits)) - torch.log1p(neg_abs.exp())
    return -torch.mean(y * log_sigmoid_pos + (1 - y) * log_sigmoid_neg)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    stable = x - x.max(dim=dim, keepdim=True).values
    exps = torch.exp(stable)
    return exps / exps.sum(dim=dim, keepdim=True)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    stable = x - x.max(dim=dim, keepdim=True).values
    return stable - torch.log(torch.exp(stable).sum(dim=dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    log_probs = log_softmax(logits, dim=1)
    if target.ndim == 1:
        one_hot = torch.zeros_like(log_probs)
        one_hot.scatter_(1, target.unsqueeze(1), 1.0)
        target = one_hot
    per_sample = -(target.to(log_probs.dtype) * log_probs).sum(dim=1)
    return per_sample.mean()


def entropy(p: Tensor) -> Tensor:
    zero = p == 0
    log_p = torch.log(p.masked_fill(zero, 1.0))
    return -(p * log_p).sum(dim=-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    zero = p == 0
    log_p = torch.log(p.masked_fill(zero, 1.0))
    contrib = (p * (log_p - torch.log(q))).masked_fill(zero, 0.0)
    return contrib.sum(dim=-1)
