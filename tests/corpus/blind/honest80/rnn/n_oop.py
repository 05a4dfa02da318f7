"""RNN with small parameter records (NamedTuple) and a cell class I reuse in rnn_forward."""
from __future__ import annotations

from typing import NamedTuple, Sequence

import torch
from torch import Tensor, nn


class CellParams(NamedTuple):
    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor
    b_hh: Tensor


class TanhCell:
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh), batched over rows."""

    def __init__(self, params: CellParams) -> None:
        self.p = params

    def __call__(self, x: Tensor, h: Tensor) -> Tensor:
        p = self.p
        return torch.tanh(x @ p.w_ih.t() + p.b_ih + h @ p.w_hh.t() + p.b_hh)


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return TanhCell(CellParams(w_ih, w_hh, b_ih, b_hh))(x, h)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    cells = [TanhCell(CellParams(*p)) for p in params]
    hs = list(h0.unbind(0))
    outputs = []
    for x_t in x.unbind(0):
        inp = x_t
        for layer, cell in enumerate(cells):
            hs[layer] = cell(inp, hs[layer])
            inp = hs[layer]
        outputs.append(inp)
    return torch.stack(outputs), torch.stack(hs)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = idx.reshape(-1)
    rows = weight.index_select(0, flat)
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup = dict(zip(vocab, range(len(vocab))))
    return torch.tensor(list(map(lookup.get, text)), dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        if embed_dim is None:
            self.encode = None
            rnn_in = vocab_size
        else:
            self.encode = nn.Embedding(vocab_size, embed_dim)
            rnn_in = embed_dim
        self.cell = nn.RNNCell(rnn_in, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.encode is None:
            eye = torch.eye(self.vocab_size, device=idx.device)
            x = eye[idx]
        else:
            x = self.encode(idx)
        h = x.new_zeros(x.shape[1], self.cell.hidden_size)
        outs = []
        for x_t in x:
            h = self.cell(x_t, h)
            outs.append(h)
        return self.head(torch.stack(outs))


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.shape[1]
    W_ir, W_iz, W_in = w_ih.split(hidden)
    W_hr, W_hz, W_hn = w_hh.split(hidden)
    b_ir, b_iz, b_in = b_ih.split(hidden)
    b_hr, b_hz, b_hn = b_hh.split(hidden)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h
