# correct: rnn_cell: torch.addmm with the transposed weights; rnn_forward: a while loop over steps, h_n taken from the stacked outputs; embedding_lookup: rows picked one by one, stacked; encode_chars: dict of positions; HelloRNN: F.one_hot or nn.Embedding, nn.RNN seq-first, nn.Linear; gru_cell: fused products chunked into three
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t())
    return pre.tanh()


def rnn_forward(x, h0, params):
    layer_in = x
    h_n = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        states = []
        t = 0
        while t < layer_in.size(0):
            h = rnn_cell(layer_in[t], h, w_ih, w_hh, b_ih, b_hh)
            states.append(h)
            t += 1
        layer_in = torch.stack(states)
        h_n.append(layer_in[-1])
    return layer_in, torch.stack(h_n)


def embedding_lookup(weight, idx):
    rows = [weight[i] for i in idx.flatten()]
    return torch.stack(rows).reshape(idx.shape + (weight.shape[1],))


def encode_chars(text, vocab):
    where = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([where[ch] for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super().__init__()
        self.vocab_size = vocab_size
        self.emb = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(vocab_size if embed_dim is None else embed_dim, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx):
        x = F.one_hot(idx, self.vocab_size).float() if self.emb is None else self.emb(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
