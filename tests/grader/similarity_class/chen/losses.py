import torch
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    sq = torch.square(y_hat - y)
    match reduction:
        case "mean":
            return torch.mean(sq)
        case "sum":
            return torch.sum(sq)
        case "none":
            return sq
    raise ValueError(reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    ab = torch.abs(torch.sub(y_hat, y))
    match reduction:
        case "mean":
            return torch.mean(ab)
        case "sum":
            return torch.sum(ab)
        case "none":
            return ab
    raise ValueError(reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    d = torch.sub(y_hat, y)
    small = torch.le(torch.abs(d), delta).to(d.dtype)
    big = 1 - small
    per = small * 0.5 * d * d + big * delta * (torch.abs(d) - 0.5 * delta)
    return torch.mean(per)


def sigmoid(x: Tensor) -> Tensor:
    # exp(-softplus(-x)) never overflows
    return torch.exp(-torch.nn.functional.softplus(-x))


def bce(p: Tensor, y: Tensor) -> Tensor:
    floor = torch.full_like(p, -100.0)
    log1 = torch.maximum(torch.log(p), floor)
    log0 = torch.maximum(torch.log1p(-p), floor)
    return torch.neg(torch.mean(torch.add(y * log1, (1 - y) * log0)))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    nf = torch.nn.functional
    return torch.mean(-(y * nf.logsigmoid(logits) + (1 - y) * nf.logsigmoid(-logits)))


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    maxes = torch.max(x, dim, keepdim=True)[0]
    num = torch.exp(torch.sub(x, maxes))
    den = torch.sum(num, dim, keepdim=True)
    return torch.div(num, den)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    maxes = torch.max(x, dim, keepdim=True)[0]
    shifted = torch.sub(x, maxes)
    return torch.sub(shifted, torch.log(torch.sum(torch.exp(shifted), dim, keepdim=True)))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, 1)
    if target.shape != logits.shape:
        picked = torch.gather(lsm, 1, target.view(-1, 1)).squeeze(1)
        return torch.neg(torch.mean(picked))
    return torch.neg(torch.mean(torch.sum(target.type_as(lsm) * lsm, 1)))


def entropy(p: Tensor) -> Tensor:
    tiny = torch.finfo(p.dtype).tiny
    return torch.neg(torch.sum(p * torch.log(torch.clamp(p, min=tiny)), -1))


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    tiny = torch.finfo(p.dtype).tiny
    inner = p * (torch.log(torch.clamp(p, min=tiny)) - torch.log(q))
    inner = torch.where(torch.eq(p, 0), torch.zeros_like(inner), inner)
    return torch.sum(inner, -1)
