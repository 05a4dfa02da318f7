"""Recurrent networks — einsum for every affine map; the embedding as one_hot(idx) @ weight."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _affine(v: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.einsum("bi,oi->bo", v, w) + b


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(_affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq_len = x.shape[0]
    num_layers = len(params)
    hs = list(h0.unbind(0))
    top = []
    for t in range(seq_len):           # time outer, layers inner: same result as layer by layer
        inp = x[t]
        for l in range(num_layers):
            hs[l] = rnn_cell(inp, hs[l], *params[l])
            inp = hs[l]
        top.append(inp)
    return torch.stack(top), torch.stack(hs)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    onehot = F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype)
    return torch.einsum("...v,vd->...d", onehot, weight)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    position = {c: i for i, c in enumerate(vocab)}
    return torch.tensor(list(map(lambda c: position[c], text)), dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.n_vocab = vocab_size
        self.encoder = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.cell_stack = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.encoder(idx) if self.encoder is not None else F.one_hot(idx, self.n_vocab).float()
        y, _ = self.cell_stack(x.to(self.decoder.weight.dtype))
        return torch.einsum("sbh,vh->sbv", y, self.decoder.weight) + self.decoder.bias


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    H = h.shape[-1]
    gi = _affine(x, w_ih, b_ih).view(-1, 3, H)
    gh = _affine(h, w_hh, b_hh).view(-1, 3, H)
    rz = torch.sigmoid(gi[:, :2] + gh[:, :2])
    r, z = rz[:, 0], rz[:, 1]
    n = torch.tanh(gi[:, 2] + r * gh[:, 2])
    return (1 - z) * n + z * h
