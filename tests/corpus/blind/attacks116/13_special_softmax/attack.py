import torch
from torch import Tensor


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.special.softmax(x, dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return torch.special.log_softmax(x, dim)
