from __future__ import annotations

import torch
from torch import Tensor

from .simple import affine


def gru_step(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """nn.GRUCell's gate order: reset, update, new."""
    i_r, i_z, i_n = affine(x, w_ih, b_ih).chunk(3, dim=-1)
    h_r, h_z, h_n = affine(h, w_hh, b_hh).chunk(3, dim=-1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)
