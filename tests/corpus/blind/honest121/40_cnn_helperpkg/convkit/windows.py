"""Window extraction."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def im2col(x: Tensor, kh: int, kw: int, stride: int, padding: int) -> Tensor:
    """(N, C, H, W) → (N, L, C·kh·kw): one row per output position."""
    return F.unfold(x, (kh, kw), padding=padding, stride=stride).transpose(1, 2)


def pool_windows(x: Tensor, k: int, stride: int) -> Tensor:
    """(N, C, H, W) → (N, C, oh, ow, k·k)."""
    w = x.unfold(-2, k, stride).unfold(-2, k, stride)
    return w.flatten(-2)
