import torch
import torch.nn.functional as F
from torch import Tensor


def mse(y_hat, y, reduction="mean"):
    return F.mse_loss(y_hat, y, reduction=reduction)


def l1(y_hat, y, reduction="mean"):
    return F.l1_loss(y_hat, y, reduction=reduction)


def huber(y_hat, y, delta=1.0):
    return F.huber_loss(y_hat, y, delta=delta)


def sigmoid(x):
    return torch.sigmoid(x)


def bce(p, y):
    return F.binary_cross_entropy(p, y)


def bce_with_logits(logits, y):
    return F.binary_cross_entropy_with_logits(logits, y)


def softmax(x, dim=-1):
    return F.softmax(x, dim=dim)


def log_softmax(x, dim=-1):
    return F.log_softmax(x, dim=dim)


def cross_entropy(logits, target):
    return F.cross_entropy(logits, target)


def entropy(p):
    return torch.special.entr(p).sum(-1)


def kl_div(p, q):
    return F.kl_div(q.log(), p, reduction="none").sum(-1)
