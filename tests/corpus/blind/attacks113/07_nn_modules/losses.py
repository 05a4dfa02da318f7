import torch
import torch.nn.functional as F
from torch import nn


def sigmoid(x):
    return nn.Sigmoid()(x)


def softmax(x, dim=-1):
    return nn.Softmax(dim=dim)(x)


def log_softmax(x, dim=-1):
    return nn.LogSoftmax(dim=dim)(x)


def cross_entropy(logits, target):
    lp = nn.LogSoftmax(dim=-1)(logits)
    if target.dim() == 1:
        return nn.NLLLoss()(lp, target)
    return -(target * lp).sum(-1).mean()
