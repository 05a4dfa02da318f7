"""Helper package for 24_rnn_helperpkg: batched projections and a cached vocabulary table."""

from __future__ import annotations

import functools
from typing import Sequence

import torch
from torch import Tensor

# The lecture's vocabulary, indexed at import.
LECTURE_VOCAB = "ehlo"


@functools.lru_cache(maxsize=64)
def vocab_table(vocab: tuple[str, ...]) -> dict[str, int]:
    return {ch: i for i, ch in enumerate(vocab)}


vocab_table(tuple(LECTURE_VOCAB))          # warm the cache


def project_sequence(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """x (seq, batch, in) · wᵀ + b for every step at once, with baddbmm."""
    seq = x.shape[0]
    bias = b.expand(seq, x.shape[1], w.shape[0])
    return torch.baddbmm(bias, x, w.t().expand(seq, *w.t().shape))


def affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.addmm(b, x, w.t())


def as_tuple(vocab: str | Sequence[str]) -> tuple[str, ...]:
    return tuple(vocab)
