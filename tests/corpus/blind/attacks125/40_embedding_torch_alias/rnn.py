"""Recurrent networks — reference solution. The specification is the docstrings in exercises/rnn.py."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)."""
    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Layer by layer, step by step."""
    layer_input, last = x, []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h, steps = h0[layer], []
        for x_t in layer_input:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
        last.append(h)
    return layer_input, torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """torch.embedding."""
    return torch.embedding(weight, idx)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Positions in the vocabulary."""
    position = {c: i for i, c in enumerate(vocab)}
    return torch.tensor([position[c] for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    """One-hot or embedding → RNN → linear."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is not None:
            x = self.embed(idx)
        else:
            x = nn.functional.one_hot(idx, self.vocab_size).float()
        output, _ = self.rnn(x)
        return self.out(output)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Reset, update and new gates."""
    i_r, i_z, i_n = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
