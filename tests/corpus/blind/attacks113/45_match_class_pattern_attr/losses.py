import torch
import torch.nn.functional as F


def sigmoid(x):
    match x:
        case object(sigmoid=f):
            return f()


def softmax(x, dim=-1):
    match x:
        case object(softmax=f):
            return f(dim)


def log_softmax(x, dim=-1):
    match x:
        case object(log_softmax=f):
            return f(dim)
