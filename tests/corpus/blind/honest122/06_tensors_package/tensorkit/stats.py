"""Reductions."""

import torch
from torch import Tensor


def row_sums(x: Tensor) -> Tensor:
    return x.sum(1, keepdim=True)


def nan_column_mean(x: Tensor) -> Tensor:
    ok = x.isnan().logical_not()
    return x.nan_to_num(0.0).sum(0) / ok.sum(0)
