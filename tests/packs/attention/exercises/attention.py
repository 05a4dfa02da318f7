"""Attention: scaled dot-product attention with a mask, a causal mask, multi-head attention.

Fill in each function and class below; `grade exercises/attention.py` checks them.
Tensors are float32 or float64; every result keeps its input's dtype and device.
"""

from __future__ import annotations

import torch
from torch import nn


def causal_mask(n: int, device: torch.device | str | None = None) -> torch.Tensor:
    """The causal mask of a sequence of ``n`` positions: a bool tensor of shape (n, n), True where
    query position i may attend to key position j, that is where j <= i, on ``device``.

    n >= 1. Off limits: ``nn.Transformer.generate_square_subsequent_mask``.
    """
    raise NotImplementedError


def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention of queries ``q`` (..., L, d) over keys ``k`` (..., S, d) and values ``v``
    (..., S, dv): returns ``(out, weights)``, ``weights = softmax(q @ kᵀ / sqrt(d))`` over the
    last dimension, shape (..., L, S), and ``out = weights @ v``, shape (..., L, dv).

    ``mask``: None, or a bool tensor broadcastable to (..., L, S), True where a query may attend
    to a key; where it is False the weight is exactly 0. Every query may attend to at least one
    key. The leading dimensions (...) may be any number, including none. Values of q and k up to
    ±100 in magnitude: keep the softmax finite. Inputs are left unchanged. Vectorised: no Python
    loops. Off limits: ``F.scaled_dot_product_attention``, ``F.multi_head_attention_forward``,
    ``nn.MultiheadAttention``.
    """
    raise NotImplementedError


class MultiHeadAttention(nn.Module):
    """Multi-head self-attention over ``x`` (B, L, embed_dim).

    ``__init__(embed_dim, num_heads)``: raises ValueError unless ``num_heads`` divides
    ``embed_dim``; creates, in this order, ``q_proj``, ``k_proj``, ``v_proj`` and ``out_proj``,
    each ``nn.Linear(embed_dim, embed_dim)``.

    ``forward(x, mask=None)``: project x to queries, keys and values; split each into
    ``num_heads`` heads of ``embed_dim // num_heads`` features (head h holds features
    h*hd ... (h+1)*hd - 1); attend within each head with your ``scaled_dot_product_attention``
    (``mask``: None or a bool (L, L) tensor, True = may attend, shared by every head and batch
    row); join the heads back in order and apply ``out_proj``. Returns (B, L, embed_dim).
    Off limits: ``nn.MultiheadAttention``, ``F.multi_head_attention_forward``,
    ``F.scaled_dot_product_attention``.
    """

    def __init__(self, embed_dim: int, num_heads: int) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        raise NotImplementedError
