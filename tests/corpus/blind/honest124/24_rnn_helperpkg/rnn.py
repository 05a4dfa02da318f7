"""RNN — whole-sequence input projections (baddbmm) from the helper package rnnkit24."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnnkit24 import affine, as_tuple, project_sequence, vocab_table


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(affine(x, w_ih, b_ih) + affine(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    layer_in = x
    h_n = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        xs = project_sequence(layer_in, w_ih, b_ih)          # (seq, batch, hidden)
        h = h0[layer]
        steps = []
        for t in range(xs.shape[0]):
            h = torch.tanh(xs[t] + affine(h, w_hh, b_hh))
            steps.append(h)
        layer_in = torch.stack(steps)
        h_n.append(h)
    return layer_in, torch.stack(h_n)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table = vocab_table(as_tuple(vocab))
    return torch.tensor([table[c] for c in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.use_embedding = embed_dim is not None
        if self.use_embedding:
            self.emb = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(embed_dim if self.use_embedding else vocab_size, hidden_size, num_layers=1)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.use_embedding:
            x = self.emb(idx)
        else:
            x = F.one_hot(idx, self.vocab_size).to(self.out.weight.dtype)
        hidden = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, dtype=x.dtype, device=x.device)
        y, _ = self.rnn(x, hidden)
        return self.out(y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    i_r, i_z, i_n = affine(x, w_ih, b_ih).chunk(3, 1)
    h_r, h_z, h_n = affine(h, w_hh, b_hh).chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)
