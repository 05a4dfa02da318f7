"""Pairs: a confusion matrix of predicted and true classes, and attention scores of queries over keys.

Fill in each function and class below; `grade exercises/pairs.py` checks them.
"""

from __future__ import annotations

import torch
from torch import nn


def confusion_matrix(pred: torch.Tensor, target: torch.Tensor, num_classes: int) -> torch.Tensor:
    """The confusion matrix of predicted classes ``pred`` against true classes ``target``: an int64
    tensor (num_classes, num_classes) whose entry [t, p] counts the positions where ``target`` is t
    and ``pred`` is p.

    ``pred``, ``target``: int64 tensors of one shape, any number of dimensions (none included),
    values in 0 ... num_classes - 1; num_classes >= 1. Inputs are left unchanged. Vectorised: no
    Python loops (over positions or over classes). Off limits: ``sklearn``, ``torchmetrics``.
    """
    raise NotImplementedError


class PairScores(nn.Module):
    """Attention weights of queries ``q`` over keys ``k``, with a learnt projection of the queries.

    ``__init__(dim)``: creates one layer, ``proj = nn.Linear(dim, dim)``.

    ``forward(q, k, mask=None)``: q (..., L, dim), k (..., S, dim), float32 or float64 (the
    module's dtype); returns ``softmax(proj(q) @ kᵀ / sqrt(dim))`` over the last dimension, shape
    (..., L, S), in q's dtype. ``mask``: None, or a bool tensor broadcastable to (..., L, S), True
    where a query may attend to a key (each query may attend to at least one); where it is False
    the weight is exactly 0. Gradients flow to q, k and the projection. q and k may be views with
    any strides; inputs are left unchanged; the module keeps nothing between calls.
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        raise NotImplementedError
