"""Recurrent networks with einsum; the input projection of a whole sequence is computed at once."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.einsum("bi,hi->bh", x, w_ih) + b_ih + torch.einsum("bj,hj->bh", h, w_hh) + b_hh
    return pre.tanh()


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq = x
    last = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        proj = torch.einsum("tbi,hi->tbh", seq, w_ih) + b_ih          # every step's input term at once
        h = h0[layer]
        steps = []
        for t in range(seq.shape[0]):
            h = torch.tanh(proj[t] + torch.einsum("bj,hj->bh", h, w_hh) + b_hh)
            steps.append(h)
        seq = torch.stack(steps)
        last.append(h)
    return seq, torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    rows = weight.index_select(0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    chars = list(vocab)
    return torch.tensor([chars.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        if embed_dim:
            self.encoder = nn.Embedding(vocab_size, embed_dim)
            in_size = embed_dim
        else:
            self.register_buffer("eye", torch.eye(vocab_size), persistent=False)
            self.encoder = None
            in_size = vocab_size
        self.rnn = nn.RNN(in_size, hidden_size)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.encoder(idx) if self.encoder is not None else self.eye[idx]
        hidden_states, _ = self.rnn(x)
        return self.decoder(hidden_states)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.shape[1]
    gi = torch.einsum("bi,gi->bg", x, w_ih) + b_ih
    gh = torch.einsum("bj,gj->bg", h, w_hh) + b_hh
    r = torch.sigmoid(gi[:, :hidden] + gh[:, :hidden])
    z = torch.sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
    n = torch.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
    return n + z * (h - n)
