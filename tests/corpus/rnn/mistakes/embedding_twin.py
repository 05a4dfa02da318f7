# mistake: embedding_lookup calls F.embedding (breaks: off limits: F.embedding)
# cause: embedding_lookup twin
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x, h0, params):
    hs = list(h0.unbind(0))
    outputs = []
    for x_t in x.unbind(0):
        inp = x_t
        for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
            hs[layer] = rnn_cell(inp, hs[layer], w_ih, w_hh, b_ih, b_hh)
            inp = hs[layer]
        outputs.append(inp)
    return torch.stack(outputs), torch.stack(hs)


def embedding_lookup(weight, idx):
    return F.embedding(idx, weight)


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
