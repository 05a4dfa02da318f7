from __future__ import annotations

import torch
from torch import Tensor


def softplus(z: Tensor) -> Tensor:
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^{-|z|})."""
    return torch.relu(z) + torch.log1p(torch.exp(-torch.abs(z)))


def logsumexp_keep(x: Tensor, dim: int) -> Tensor:
    """log Σ exp(x) along dim, kept as a size-1 axis (exp-normalize trick)."""
    m = torch.max(x, dim=dim, keepdim=True)[0].detach()
    return m + torch.log(torch.sum(torch.exp(x - m), dim=dim, keepdim=True))
