"""tensorkit — a small helper package for the tensors exercises.

Importing it builds its tables: the reduction dims for 2-D input and a registry of the
vectorised kernels the module exposes.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import Tensor

from .kernels import KERNELS, register

ROW_DIM: int = 1
COL_DIM: int = 0
# a tiny grid of indices, built at import, used by the self-test below
INDEX_GRID: Tensor = torch.stack(torch.meshgrid(torch.arange(3), torch.arange(4), indexing="ij"))

assert INDEX_GRID.shape == (2, 3, 4)
assert sorted(KERNELS) == sorted(["sqdist", "bmm_sum", "nanmean_cols"])


def kernel(name: str) -> Callable[..., Tensor]:
    return KERNELS[name]


__all__ = ["KERNELS", "register", "kernel", "ROW_DIM", "COL_DIM", "INDEX_GRID"]
