# correct: rnn_cell: F.linear for both affine maps; rnn_forward: each layer's input projection for all steps at once, then the recurrence; torch.cat of unsqueezed steps; embedding_lookup: index_select on the flattened indices, reshaped; encode_chars: map over a lookup, LongTensor; HelloRNN: a batch_first nn.RNN with transposes in and out, one-hot from torch.eye on the indices' device; gru_cell: torch.special.expit for σ, addmm, torch.chunk
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def _layer(seq, h, w_ih, w_hh, b_ih, b_hh):
    projected = seq @ w_ih.T + b_ih            # (seq_len, batch, hidden), every step at once
    steps = []
    for t in range(seq.shape[0]):
        h = torch.tanh(projected[t] + h @ w_hh.T + b_hh)
        steps.append(h.unsqueeze(0))
    return torch.cat(steps, dim=0), h


def rnn_forward(x, h0, params):
    last_hs = []
    for i, weights in enumerate(params):
        x, h = _layer(x, h0[i], *weights)
        last_hs.append(h.unsqueeze(0))
    return x, torch.cat(last_hs, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    rows = weight.index_select(0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text, vocab):
    lookup = dict(zip(vocab, range(len(vocab))))
    return torch.LongTensor(list(map(lookup.__getitem__, text)))


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim
        if embed_dim is not None:
            self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        idx = idx.transpose(0, 1)                      # (batch, seq_len)
        if self.embed_dim is None:
            x = torch.eye(self.vocab_size, device=idx.device)[idx]
        else:
            x = self.embedding(idx)
        out, _ = self.rnn(x)
        return self.linear(out).transpose(0, 1)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    a_r, a_z, a_n = torch.chunk(torch.addmm(b_ih, x, w_ih.T), 3, dim=-1)
    c_r, c_z, c_n = torch.chunk(torch.addmm(b_hh, h, w_hh.T), 3, dim=-1)
    r = torch.special.expit(a_r + c_r)
    z = torch.special.expit(a_z + c_z)
    n = torch.tanh(a_n + r * c_n)
    return (1 - z) * n + z * h
