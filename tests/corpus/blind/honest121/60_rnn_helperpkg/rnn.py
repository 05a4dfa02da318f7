"""Recurrent networks — cell arithmetic from a helper package (cells/) beside this file."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

from cells import gru_step, tanh_step


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return tanh_step(x, h, w_ih, w_hh, b_ih, b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq = list(x.unbind(0))
    h_n = []
    for layer, weights in enumerate(params):
        h = h0[layer]
        out = []
        for x_t in seq:
            h = tanh_step(x_t, h, *weights)
            out.append(h)
        seq = out
        h_n.append(h)
    return torch.stack(seq), torch.stack(h_n)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight.index_select(0, idx.flatten()).view(idx.shape + weight.shape[1:])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table = dict(zip(vocab, range(len(vocab))))
    codes = [table[c] for c in text]
    return torch.tensor(codes, dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.use_embedding = embed_dim is not None
        if self.use_embedding:
            self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(embed_dim if self.use_embedding else vocab_size, hidden_size)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.use_embedding:
            x = self.embed(idx)
        else:
            x = torch.zeros(*idx.shape, self.vocab_size, device=idx.device, dtype=self.linear.weight.dtype)
            x.scatter_(-1, idx.unsqueeze(-1), 1.0)      # one-hot, in place on a tensor made here
        hidden_states, _ = self.rnn(x)
        return self.linear(hidden_states)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return gru_step(x, h, w_ih, w_hh, b_ih, b_hh)
