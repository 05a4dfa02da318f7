import torch
import torch.nn.functional as F
from torch import Tensor, nn


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    return F.softmin(-x, dim=dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    return nn.Softmin(dim=dim)(-x).log()
