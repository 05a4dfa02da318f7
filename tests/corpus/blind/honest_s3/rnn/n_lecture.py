# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""Recurrent networks — lecture 12/13 style (RNNCell by hand, hello → ohlol)."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x @ w_ih.t() + b_ih + h @ w_hh.t() + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq_len = x.shape[0]
    inputs = [x[t] for t in range(seq_len)]
    last_hidden = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        hidden = h0[layer]
        outputs = []
        for t in range(seq_len):
            hidden = rnn_cell(inputs[t], hidden, w_ih, w_hh, b_ih, b_hh)
            outputs.append(hidden)
        inputs = outputs                 # the next layer reads this layer's outputs
        last_hidden.append(hidden)
    return torch.stack(inputs, dim=0), torch.stack(last_hidden, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super(HelloRNN, self).__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        if embed_dim is None:
            self.emb = None
            input_size = vocab_size
        else:
            self.emb = nn.Embedding(vocab_size, embed_dim)
            input_size = embed_dim
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is None:
            x = F.one_hot(idx, num_classes=self.vocab_size).to(self.fc.weight.dtype)   # (seq, batch, vocab)
        else:
            x = self.emb(idx)                                          # (seq, batch, embed)
        h0 = torch.zeros(1, idx.shape[1], self.hidden_size, dtype=x.dtype, device=idx.device)
        out, _ = self.rnn(x, h0)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = x @ w_ih.t() + b_ih
    gh = h @ w_hh.t() + b_hh
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
