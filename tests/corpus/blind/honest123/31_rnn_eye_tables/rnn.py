"""Recurrent networks — with the lecture's vocabulary tables and one-hot identity built at import."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn

# tables built at import: the lecture's vocabulary and its lookup, and an identity for one-hot rows
LECTURE_VOCAB: tuple[str, ...] = ("e", "h", "l", "o")
LECTURE_INDEX: dict[str, int] = {c: i for i, c in enumerate(LECTURE_VOCAB)}
ONE_HOT_EYE: Tensor = torch.eye(len(LECTURE_VOCAB))


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq = list(x.unbind(0))
    finals = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outputs = []
        for x_t in seq:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            outputs.append(h)
        seq = outputs
        finals.append(h)
    return torch.stack(seq, dim=0), torch.stack(finals, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = idx.reshape(-1)
    rows = torch.index_select(weight, 0, flat)
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table = LECTURE_INDEX if tuple(vocab) == LECTURE_VOCAB else {c: i for i, c in enumerate(vocab)}
    return torch.tensor([table[c] for c in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        if embed_dim is None:
            self.embedding = None
            # a non-trainable identity (a buffer, so it moves with .to(device))
            eye = ONE_HOT_EYE if vocab_size == len(LECTURE_VOCAB) else torch.eye(vocab_size)
            self.register_buffer("eye", eye.clone(), persistent=False)
            rnn_in = vocab_size
        else:
            self.embedding = nn.Embedding(vocab_size, embed_dim)
            rnn_in = embed_dim
        self.rnn = nn.RNN(rnn_in, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.eye[idx] if self.embedding is None else self.embedding(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.shape[1]
    gi = x @ w_ih.t() + b_ih
    gh = h @ w_hh.t() + b_hh
    r = torch.sigmoid(gi[:, :hidden] + gh[:, :hidden])
    z = torch.sigmoid(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
    n = torch.tanh(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
    return (1 - z) * n + z * h
