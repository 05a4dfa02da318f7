"""LogSumExp and friends, written out (torch.logsumexp is off limits for the losses)."""

from __future__ import annotations

import torch
from torch import Tensor


def logsumexp(x: Tensor, dim: int, keepdim: bool = True) -> Tensor:
    """m + log Σ exp(x − m), m the (detached) maximum along dim: every exp ≤ 1."""
    m = x.detach().amax(dim=dim, keepdim=True)
    out = m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))
    return out if keepdim else out.squeeze(dim)


def softplus(z: Tensor) -> Tensor:
    """log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), finite for any finite z."""
    return torch.relu(z) + torch.log1p(torch.exp(-torch.abs(z)))


def reduce(t: Tensor, how: str) -> Tensor:
    table = {"mean": torch.mean, "sum": torch.sum}
    if how == "none":
        return t
    if how not in table:
        raise ValueError(how)
    return table[how](t)
