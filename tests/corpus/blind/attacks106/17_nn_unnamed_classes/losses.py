import torch
import torch.nn.functional as F
from torch import nn


def sigmoid(x):
    return nn.Sigmoid()(x)


def softmax(x, dim=-1):
    return nn.Softmax(dim)(x)


def log_softmax(x, dim=-1):
    return nn.LogSoftmax(dim)(x)


def kl_div(p, q):
    k = nn.KLDivLoss(reduction="none")(torch.log(q), p)
    return torch.where(p == 0, torch.zeros_like(k), k).sum(-1)


class MySoftmax(nn.Softmax):
    pass


def entropy(p):
    return -torch.xlogy(p, MySoftmax(-1)(torch.log(p))).sum(-1)
