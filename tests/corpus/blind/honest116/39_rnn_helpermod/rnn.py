"""RNN topic; the cell formulas live in cells.py beside this file."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cells import gru_step, tanh_step


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return tanh_step(x, h, w_ih, w_hh, b_ih, b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    hs = [h0[l] for l in range(len(params))]
    top = []
    for x_t in x.unbind(0):
        inp = x_t
        for l, p in enumerate(params):
            hs[l] = tanh_step(inp, hs[l], *p)
            inp = hs[l]
        top.append(inp)
    return torch.stack(top, 0), torch.stack(hs, 0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = weight.index_select(0, idx.reshape(-1))
    return flat.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        if embed_dim is None:
            self.encoder = None
            rnn_in = vocab_size
        else:
            self.encoder = nn.Embedding(vocab_size, embed_dim)
            rnn_in = embed_dim
        self.rnn = nn.RNN(rnn_in, hidden_size)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def encode(self, idx: Tensor) -> Tensor:
        if self.encoder is None:
            eye = torch.eye(self.vocab_size, device=idx.device, dtype=self.decoder.weight.dtype)
            return eye[idx]
        return self.encoder(idx)

    def forward(self, idx: Tensor) -> Tensor:
        out, _hn = self.rnn(self.encode(idx))
        return self.decoder(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return gru_step(x, h, w_ih, w_hh, b_ih, b_hh)
