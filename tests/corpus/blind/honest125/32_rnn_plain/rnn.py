"""RNN — plain: the cell with @, layers × steps loops, indexing for the embedding, hello → ohlol model."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)."""
    return torch.tanh(x @ w_ih.t() + b_ih + h @ w_hh.t() + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Layer l reads layer l − 1's outputs; returns the top layer's states and every layer's last."""
    inputs = list(x.unbind(0))
    finals = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outs = []
        for x_t in inputs:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            outs.append(h)
        inputs = outs
        finals.append(h)
    return torch.stack(inputs, dim=0), torch.stack(finals, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Advanced indexing picks the rows (repeated indices accumulate in the gradient)."""
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Position of each character in the vocabulary."""
    vocab = list(vocab)
    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    """One-hot (or embedding) → nn.RNN → linear to vocabulary scores."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(embed_dim if embed_dim is not None else vocab_size, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embedding is not None:
            x = self.embedding(idx)
        else:
            eye = torch.eye(self.vocab_size, device=idx.device, dtype=self.fc.weight.dtype)
            x = eye[idx]
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Reset, update, new gates in that order."""
    gi = x @ w_ih.t() + b_ih
    gh = h @ w_hh.t() + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
