import torch
from torch import Tensor


def softplus(z: Tensor) -> Tensor:
    return torch.maximum(z, torch.zeros_like(z)) + torch.log1p(torch.exp(-torch.abs(z)))


def safe_log(p: Tensor) -> Tensor:
    """log p where p > 0, 0 elsewhere (so that 0·log 0 = 0 and no NaN gradient)."""
    positive = p > 0
    return torch.where(positive, torch.log(torch.where(positive, p, torch.ones_like(p))), torch.zeros_like(p))
