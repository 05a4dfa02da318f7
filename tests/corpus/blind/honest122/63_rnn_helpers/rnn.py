"""Recurrent networks; the cell arithmetic lives in cells.py beside this file."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

import cells


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return cells.tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    layer_in = list(x.unbind(0))
    h_n = []
    for layer, weights in enumerate(params):
        h = h0[layer]
        layer_out = []
        for x_t in layer_in:
            h = cells.tanh_cell(x_t, h, *weights)
            layer_out.append(h)
        layer_in = layer_out
        h_n.append(h)
    return torch.stack(layer_in), torch.stack(h_n)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = idx.flatten()
    picked = torch.index_select(weight, 0, flat)
    return picked.view(idx.shape + weight.shape[1:])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    position = dict(zip(vocab, range(len(vocab))))
    codes = [position[c] for c in text]
    return torch.as_tensor(codes, dtype=torch.int64).reshape(len(text))


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.cell = nn.RNNCell(embed_dim or vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        seq_len, batch = idx.shape
        if self.embed is not None:
            inputs = self.embed(idx)
        else:
            inputs = torch.nn.functional.one_hot(idx, self.vocab_size).to(self.head.weight.dtype)
        h = inputs.new_zeros(batch, self.hidden_size)
        outs = []
        for t in range(seq_len):
            h = self.cell(inputs[t], h)
            outs.append(self.head(h))
        return torch.stack(outs)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return cells.gru(x, h, w_ih, w_hh, b_ih, b_hh)
