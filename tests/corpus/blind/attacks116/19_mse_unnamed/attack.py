import torch
import torch.nn.functional as F
from torch import Tensor, nn


def mse(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    return F.poisson_nll_loss(y_hat, y, log_input=False, full=False, eps=0.0, reduction=reduction) if False else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).mean() if reduction == "mean" else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).reshape(y.shape) if reduction == "none" else F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=2.0, eps=0.0).pow(2).sum()


def l1(y_hat: Tensor, y: Tensor, reduction: str = "mean") -> Tensor:
    d = F.pairwise_distance(y_hat.reshape(-1, 1), y.reshape(-1, 1), p=1.0, eps=0.0)
    if reduction == "mean":
        return d.mean()
    if reduction == "sum":
        return d.sum()
    return d.reshape(y.shape)
