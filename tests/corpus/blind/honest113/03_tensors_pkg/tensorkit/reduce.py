import torch
from torch import Tensor


def row_sums(x: Tensor) -> Tensor:
    return x.sum(dim=1, keepdim=True)


def column_nanmean(x: Tensor) -> Tensor:
    present = ~torch.isnan(x)
    total = torch.where(present, x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(0)
    return total / present.sum(0).to(x.dtype)
