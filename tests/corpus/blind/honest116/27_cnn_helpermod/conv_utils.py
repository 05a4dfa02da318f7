"""Window helpers for cnn.py: pad, then slide with Tensor.unfold (no torch convolution)."""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor


def windows(x: Tensor, kh: int, kw: int, stride: int = 1, padding: int = 0) -> Tensor:
    """(N, C, H, W) -> (N, C, H_out, W_out, kh, kw) views of every window."""
    if padding:
        x = F.pad(x, (padding, padding, padding, padding))
    return x.unfold(2, kh, stride).unfold(3, kw, stride)
