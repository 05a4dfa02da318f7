from __future__ import annotations
import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.mse_loss(y_hat, y, reduction=reduction)


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.l1_loss(y_hat, y, reduction=reduction)


def huber(y_hat: Tensor, y: Tensor, delta: float = 1.0) -> Tensor:
    return F.huber_loss(y_hat, y, delta=delta)


def sigmoid(x: Tensor) -> Tensor:
    return torch.sigmoid(x)


def bce(p: Tensor, y: Tensor) -> Tensor:
    return F.binary_cross_entropy(p, y)


def bce_with_logits(logits: Tensor, y: Tensor) -> Tensor:
    return F.binary_cross_entropy_with_logits(logits, y)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.softmax(x, dim=dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.log_softmax(x, dim=dim)


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    return F.cross_entropy(logits, target)


def entropy(p: Tensor) -> Tensor:
    return torch.special.entr(p).sum(-1)


def kl_div(p: Tensor, q: Tensor) -> Tensor:
    return F.kl_div(q.log(), p, reduction="none").sum(-1)
