"""RNN — einsum cells, functools.reduce over time, one-hot·weight embeddings, a hand-rolled HelloRNN."""

from __future__ import annotations

import functools
from typing import NamedTuple, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class LayerWeights(NamedTuple):
    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor
    b_hh: Tensor


def _affine(v: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.einsum("bi,hi->bh", v, w) + b


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(_affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh))


def _run_layer(x: Tensor, h0: Tensor, lw: LayerWeights) -> tuple[Tensor, Tensor]:
    def step(acc: tuple[list[Tensor], Tensor], x_t: Tensor):
        outs, h = acc
        h = rnn_cell(x_t, h, *lw)
        return outs + [h], h

    outs, h_last = functools.reduce(step, x.unbind(0), ([], h0))
    return torch.stack(outs), h_last


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    finals = []
    out = x
    for layer, weights in enumerate(params):
        out, h_last = _run_layer(out, h0[layer], LayerWeights(*weights))
        finals.append(h_last)
    return out, torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """one_hot(idx) @ weight, written as an einsum over the vocabulary axis."""
    onehot = F.one_hot(idx, weight.shape[0]).to(weight.dtype)
    return torch.einsum("...v,vd->...d", onehot, weight)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    index_of = dict(zip(vocab, range(len(vocab))))
    return torch.as_tensor([index_of[c] for c in text], dtype=torch.int64).reshape(len(text))


class HelloRNN(nn.Module):
    """One-hot or embedded input, a single tanh RNN layer written with rnn_cell, a linear read-out."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        in_size = embed_dim if embed_dim else vocab_size
        bound = hidden_size ** -0.5
        self.w_ih = nn.Parameter(torch.empty(hidden_size, in_size).uniform_(-bound, bound))
        self.w_hh = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-bound, bound))
        self.b_ih = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))
        self.b_hh = nn.Parameter(torch.empty(hidden_size).uniform_(-bound, bound))
        self.readout = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is not None:
            x = self.embed(idx)
        else:
            x = F.one_hot(idx, self.vocab_size).to(self.w_ih.dtype)
        h0 = x.new_zeros(x.shape[1], self.hidden_size)
        out, _ = _run_layer(x, h0, LayerWeights(self.w_ih, self.w_hh, self.b_ih, self.b_hh))
        return self.readout(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.shape[-1]
    gi = _affine(x, w_ih, b_ih).view(-1, 3, hidden)
    gh = _affine(h, w_hh, b_hh).view(-1, 3, hidden)
    rz = torch.sigmoid(gi[:, :2] + gh[:, :2])
    r, z = rz[:, 0], rz[:, 1]
    n = torch.tanh(gi[:, 2] + r * gh[:, 2])
    return torch.lerp(n, h, z)            # (1 − z)·n + z·h
