"""Recurrent networks — a plain solution."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(torch.mm(x, w_ih.t()) + b_ih + torch.mm(h, w_hh.t()) + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    inputs = [x[t] for t in range(x.shape[0])]
    finals = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outputs = []
        for x_t in inputs:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            outputs.append(h)
        finals.append(h)
        inputs = outputs
    return torch.stack(inputs, dim=0), torch.stack(finals, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([lookup[ch] for ch in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        if embed_dim is None:
            self.emb = None
            rnn_in = vocab_size
        else:
            self.emb = nn.Embedding(vocab_size, embed_dim)
            rnn_in = embed_dim
        self.rnn = nn.RNN(input_size=rnn_in, hidden_size=hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is None:
            x = torch.eye(self.vocab_size, device=idx.device, dtype=self.fc.weight.dtype)[idx]
        else:
            x = self.emb(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = x @ w_ih.t() + b_ih
    gh = h @ w_hh.t() + b_hh
    hidden = h.shape[1]
    i_r, i_z, i_n = gi[:, :hidden], gi[:, hidden:2 * hidden], gi[:, 2 * hidden:]
    h_r, h_z, h_n = gh[:, :hidden], gh[:, hidden:2 * hidden], gh[:, 2 * hidden:]
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
