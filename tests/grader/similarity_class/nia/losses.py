import torch
from torch import Tensor


def _finish(per_elem: Tensor, reduction: str) -> Tensor:
    options = ("none", "sum", "mean")
    if reduction not in options:
        raise ValueError(f"reduction should be one of {options}")
    if reduction == "none":
        return per_elem
    s = per_elem.sum()
    return s if reduction == "sum" else s / per_elem.numel()


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _finish(torch.mul(y_hat - y, y_hat - y), reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return _finish(torch.maximum(y_hat - y, y - y_hat), reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    r = torch.abs(y_hat - y)
    m = torch.clamp(r, max=delta)
    # quadratic part up to delta, then linear
    return torch.mean(m * (r - 0.5 * m))


def sigmoid(x: Tensor) -> Tensor:
    t = torch.exp(-torch.abs(x))
    return torch.where(x >= 0, torch.reciprocal(1 + t), t * torch.reciprocal(1 + t))


def bce(p: Tensor, y: Tensor) -> Tensor:
    lp = torch.clamp_min(torch.log(p), -100.0)
    lnp = torch.clamp_min(torch.log(1 - p), -100.0)
    return torch.mean(-torch.addcmul(lnp * (1 - y), y, lp))


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    abs_z = torch.abs(logits)
    sp = torch.clamp_min(logits, 0) + torch.log1p(torch.exp(-abs_z))
    return torch.mean(sp - y * logits)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    s = x - torch.amax(x, dim, keepdim=True)
    num = torch.exp(s)
    return num * torch.reciprocal(torch.sum(num, dim, keepdim=True))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    s = x - torch.amax(x, dim, keepdim=True)
    return s - torch.log(torch.sum(torch.exp(s), dim, keepdim=True))


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    lsm = log_softmax(logits, dim=1)
    if target.shape == logits.shape:
        probs = target.to(dtype=lsm.dtype)
    else:
        probs = torch.zeros_like(lsm)
        probs[torch.arange(lsm.shape[0], device=lsm.device), target] = 1
    return -torch.mean(torch.sum(probs * lsm, 1))


def entropy(p: Tensor) -> Tensor:
    log_p = torch.where(p > 0, torch.log(torch.where(p > 0, p, 1.0)), 0.0)
    return -torch.sum(p * log_p, -1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    pos = p > 0
    log_ratio = torch.log(torch.where(pos, p, 1.0)) - torch.log(torch.where(pos, q, 1.0))
    return torch.sum(torch.where(pos, p * log_ratio, 0.0), -1)
