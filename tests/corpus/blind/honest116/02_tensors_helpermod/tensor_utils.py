"""Small helpers shared by my tensors answers."""
import torch
from torch import Tensor


def keep_col(v: Tensor) -> Tensor:
    """(n,) -> (n, 1) so that it broadcasts against the rows."""
    return v.unsqueeze(1)


def sq_norms(rows: Tensor) -> Tensor:
    return (rows * rows).sum(dim=1)


def nan_column_mean(x: Tensor) -> Tensor:
    return torch.nanmean(x, dim=0)
