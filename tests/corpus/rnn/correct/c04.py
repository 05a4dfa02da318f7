# correct: rnn_cell: matmul with transpose(0, 1), biases summed first; rnn_forward: a recursive helper over layers, states accumulated by list concatenation; embedding_lookup: one-hot (F.one_hot) times the weight; encode_chars: map over a lookup, LongTensor; HelloRNN: a batch_first nn.RNN with transposes in and out, one-hot from torch.eye on the indices' device; gru_cell: torch.special.expit for σ, addmm, torch.chunk
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    bias = b_ih + b_hh
    return torch.tanh(torch.matmul(x, w_ih.transpose(0, 1)) + torch.matmul(h, w_hh.transpose(0, 1)) + bias)


def _run_layers(seq, h0, params, finals):
    if not params:
        return seq
    (w_ih, w_hh, b_ih, b_hh), rest = params[0], params[1:]
    h, states = h0[0], []
    for x_t in seq:
        h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
        states = states + [h]
    finals.append(h)
    return _run_layers(torch.stack(states), h0[1:], rest, finals)


def rnn_forward(x, h0, params):
    finals = []
    output = _run_layers(x, h0, list(params), finals)
    return output, torch.stack(finals)


def embedding_lookup(weight, idx):
    return F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype) @ weight


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
