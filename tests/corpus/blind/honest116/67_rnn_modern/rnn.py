"""RNN — NamedTuple layer parameters, match on the vocabulary type, TYPE_CHECKING imports."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Sequence

import torch
import torch.nn.functional as F
from torch import nn

if TYPE_CHECKING:
    from torch import Tensor


class LayerParams(NamedTuple):
    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor
    b_hh: Tensor


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(F.linear(x, w_ih) + b_ih + F.linear(h, w_hh) + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    layers = [LayerParams(*p) for p in params]
    seq, finals = x, []
    for l, p in enumerate(layers):
        h, outs = h0[l], []
        for x_t in seq:
            h = rnn_cell(x_t, h, p.w_ih, p.w_hh, p.b_ih, p.b_hh)
            outs.append(h)
        seq = torch.stack(outs)
        finals.append(h)
    return seq, torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx.reshape(-1)].reshape(*idx.shape, -1)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    match vocab:
        case str():
            table = {c: i for i, c in enumerate(vocab)}
        case _:
            table = {c: i for i, c in enumerate(list(vocab))}
    return torch.tensor([table[c] for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(vocab_size if embed_dim is None else embed_dim, hidden_size)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        match self.embedding:
            case None:
                x = F.one_hot(idx, self.vocab_size).to(self.linear.weight.dtype)
            case emb:
                x = emb(idx)
        return self.linear(self.rnn(x)[0])


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    (xr, xz, xn), (hr, hz, hn) = F.linear(x, w_ih, b_ih).chunk(3, -1), F.linear(h, w_hh, b_hh).chunk(3, -1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    return torch.lerp(torch.tanh(xn + r * hn), h, z)
