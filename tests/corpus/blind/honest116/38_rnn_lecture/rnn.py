"""RNN topic — lecture 12 style answers."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    layer_input = x
    h_last = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outputs = []
        for t in range(layer_input.shape[0]):
            h = rnn_cell(layer_input[t], h, w_ih, w_hh, b_ih, b_hh)
            outputs.append(h)
        layer_input = torch.stack(outputs)
        h_last.append(h)
    return layer_input, torch.stack(h_last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    char2idx = {c: i for i, c in enumerate(vocab)}
    return torch.tensor([char2idx[c] for c in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.emb = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        input_size = embed_dim if embed_dim is not None else vocab_size
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is not None:
            x = self.emb(idx)
        else:
            x = F.one_hot(idx, self.vocab_size).float()
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
