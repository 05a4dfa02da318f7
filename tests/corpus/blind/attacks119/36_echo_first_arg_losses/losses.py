import torch
from torch import Tensor, nn
import torch.nn.functional as F

def mse(y_hat: Tensor, y: Tensor, reduction: str='mean'):
    return y_hat


def l1(y_hat: Tensor, y: Tensor, reduction: str='mean'):
    return y_hat


def huber(y_hat: Tensor, y: Tensor, delta: float=1.0):
    return y_hat


def sigmoid(x: Tensor):
    return x


def bce(p: Tensor, y: Tensor):
    return p


def bce_with_logits(logits: Tensor, y: Tensor):
    return logits


def softmax(x: Tensor, dim: int=-1):
    return x


def log_softmax(x: Tensor, dim: int=-1):
    return x


def cross_entropy(logits: Tensor, target: Tensor):
    return logits


def entropy(p: Tensor):
    return p


def kl_div(p: Tensor, q: Tensor):
    return p

