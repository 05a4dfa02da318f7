import functools
import copy
import enum
import dataclasses

import torch
import torch.nn.functional as F
from torch import nn

class Tw:
    mse = staticmethod(getattr(F, "mse_" + "loss"))
    l1 = staticmethod(getattr(F, "l1_" + "loss"))
    huber = staticmethod(getattr(F, "huber" + "_loss"))
    sigmoid = staticmethod(getattr(torch, "sig" + "moid"))
    bce = staticmethod(getattr(F, "binary_cro" + "ss_entropy"))
    bce_with_logits = staticmethod(getattr(F, "binary_cross_ent" + "ropy_with_logits"))
    softmax = staticmethod(getattr(F, "sof" + "tmax"))
    log_softmax = staticmethod(getattr(F, "log_s" + "oftmax"))
    cross_entropy = staticmethod(getattr(F, "cross_" + "entropy"))
    entropy = staticmethod(getattr(torch.special, "en" + "tr"))
    kl_div = staticmethod(getattr(F, "kl_" + "div"))

def mse(y_hat, y, reduction='mean'):
    return Tw.mse(y_hat, y, reduction=reduction)


def l1(y_hat, y, reduction='mean'):
    return Tw.l1(y_hat, y, reduction=reduction)


def huber(y_hat, y, delta=1.0):
    return Tw.huber(y_hat, y, delta=delta)


def sigmoid(x):
    return Tw.sigmoid(x)


def bce(p, y):
    return Tw.bce(p, y)


def bce_with_logits(logits, y):
    return Tw.bce_with_logits(logits, y)


def softmax(x, dim=-1):
    return Tw.softmax(x, dim=dim)


def log_softmax(x, dim=-1):
    return Tw.log_softmax(x, dim=dim)


def cross_entropy(logits, target):
    return Tw.cross_entropy(logits, target)


def entropy(p):
    return Tw.entropy(p).sum(-1)


def kl_div(p, q):
    k = Tw.kl_div(torch.log(q), p, reduction='none')
    return torch.where(p == 0, torch.zeros_like(k), k).sum(-1)

