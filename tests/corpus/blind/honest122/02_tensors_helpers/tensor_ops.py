"""Small reusable helpers for the tensors exercises."""

import torch
from torch import Tensor


def keep_rows(t: Tensor) -> Tensor:
    """Row sums kept as an (n, 1) column."""
    return t.sum(dim=-1, keepdim=True)


def squared_norms(t: Tensor) -> Tensor:
    """|t_i|^2 for every row, as an (n,) vector."""
    return t.square().sum(dim=-1)


def column_means_ignoring_nan(x: Tensor) -> Tensor:
    present = ~torch.isnan(x)
    total = torch.where(present, x, torch.zeros((), dtype=x.dtype, device=x.device)).sum(dim=0)
    count = present.sum(dim=0).to(x.dtype)
    return total / count
