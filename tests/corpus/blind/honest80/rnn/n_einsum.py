"""RNN — einsum for every affine map, functools.reduce for the layer stack."""
from __future__ import annotations

import functools
from typing import Sequence

import torch
from torch import Tensor, nn


def affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.einsum("bi,hi->bh", x, w) + b


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(affine(x, w_ih, b_ih) + affine(h, w_hh, b_hh))


def _run_layer(carry: tuple[Tensor, list], layer: tuple) -> tuple[Tensor, list]:
    seq, finals = carry
    (w_ih, w_hh, b_ih, b_hh), h = layer
    outs = []
    for x_t in seq:
        h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
        outs.append(h)
    return torch.stack(outs), finals + [h]


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    output, finals = functools.reduce(_run_layer, zip(params, h0), (x, []))
    return output, torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    one_hot = (idx.unsqueeze(-1) == torch.arange(weight.shape[0], device=idx.device)).to(weight.dtype)
    return torch.einsum("...v,vd->...d", one_hot, weight)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.as_tensor([vocab.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(vocab_size if embed_dim is None else embed_dim, hidden_size, num_layers=2)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is None:
            x = (idx.unsqueeze(-1) == torch.arange(self.vocab_size, device=idx.device)).float()
        else:
            x = self.embed(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = affine(x, w_ih, b_ih)
    gh = affine(h, w_hh, b_hh)
    (ir, iz, i_n), (hr, hz, hn) = gi.chunk(3, -1), gh.chunk(3, -1)
    r = torch.sigmoid(ir + hr)
    z = torch.sigmoid(iz + hz)
    n = torch.tanh(i_n + r * hn)
    return torch.lerp(n, h, z)
