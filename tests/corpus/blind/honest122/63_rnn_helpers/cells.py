"""Recurrent cells used by rnn.py."""

from __future__ import annotations

import torch
from torch import Tensor


def affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return x.matmul(w.transpose(0, 1)) + b


def tanh_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(affine(x, w_ih, b_ih) + affine(h, w_hh, b_hh))


def gru(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = affine(x, w_ih, b_ih)
    gh = affine(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.tensor_split(3, dim=-1)
    h_r, h_z, h_n = gh.tensor_split(3, dim=-1)
    reset = torch.sigmoid(i_r + h_r)
    update = torch.sigmoid(i_z + h_z)
    candidate = torch.tanh(i_n + reset * h_n)
    return torch.lerp(candidate, h, update)
