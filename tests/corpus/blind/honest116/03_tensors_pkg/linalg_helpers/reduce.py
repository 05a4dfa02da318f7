import torch
from torch import Tensor


def column_means_ignoring_nan(x: Tensor) -> Tensor:
    ok = ~torch.isnan(x)
    total = torch.where(ok, x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(0)
    return total / ok.sum(0)
