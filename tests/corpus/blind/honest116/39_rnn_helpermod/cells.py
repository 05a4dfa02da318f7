"""The recurrent cell formulas, shared by rnn.py."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def affine_pair(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:
    return F.linear(x, w_ih, b_ih), F.linear(h, w_hh, b_hh)


def tanh_step(x, h, w_ih, w_hh, b_ih, b_hh):
    a, b = affine_pair(x, h, w_ih, w_hh, b_ih, b_hh)
    return torch.tanh(a + b)


def gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    gi, gh = affine_pair(x, h, w_ih, w_hh, b_ih, b_hh)
    hs = h.shape[-1]
    r = torch.sigmoid(gi[:, :hs] + gh[:, :hs])
    z = torch.sigmoid(gi[:, hs:2 * hs] + gh[:, hs:2 * hs])
    n = torch.tanh(gi[:, 2 * hs:] + r * gh[:, 2 * hs:])
    return n + z * (h - n)
