"""RNN topic — typed, with a dataclass for HelloRNN's sizes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn

Params = Tuple[Tensor, Tensor, Tensor, Tensor]


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre: Tensor = torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t())
    return pre.tanh()


def _run_layer(seq: Tensor, h: Tensor, p: Params) -> Tuple[Tensor, Tensor]:
    states: List[Tensor] = []
    for t in range(seq.size(0)):
        h = rnn_cell(seq[t], h, *p)
        states.append(h)
    return torch.stack(states, dim=0), h


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[Params]) -> Tuple[Tensor, Tensor]:
    finals: List[Tensor] = []
    seq: Tensor = x
    for layer_idx, p in enumerate(params):
        seq, h_last = _run_layer(seq, h0[layer_idx], tuple(p))
        finals.append(h_last)
    return seq, torch.stack(finals, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return torch.index_select(weight, 0, idx.flatten()).view(idx.shape + (weight.size(1),))


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup: dict[str, int] = {ch: i for i, ch in enumerate(vocab)}
    ids: List[int] = [lookup[ch] for ch in text]
    return torch.as_tensor(ids, dtype=torch.int64)


@dataclass(frozen=True)
class CharModelSizes:
    vocab_size: int
    hidden_size: int
    embed_dim: Optional[int] = None

    @property
    def rnn_input(self) -> int:
        return self.vocab_size if self.embed_dim is None else self.embed_dim


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.sizes = CharModelSizes(vocab_size, hidden_size, embed_dim)
        self.embedding: Optional[nn.Embedding] = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(input_size=self.sizes.rnn_input, hidden_size=hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embedding is not None:
            inp: Tensor = self.embedding(idx)
        else:
            inp = torch.zeros(*idx.shape, self.sizes.vocab_size, device=idx.device)
            inp.scatter_(-1, idx.unsqueeze(-1), 1.0)
        h0: Tensor = torch.zeros(1, idx.shape[1], self.sizes.hidden_size, device=idx.device)
        out, _ = self.rnn(inp, h0)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    W_ir, W_iz, W_in = w_ih.chunk(3, 0)
    W_hr, W_hz, W_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r: Tensor = torch.sigmoid(x @ W_ir.t() + b_ir + h @ W_hr.t() + b_hr)
    z: Tensor = torch.sigmoid(x @ W_iz.t() + b_iz + h @ W_hz.t() + b_hz)
    n: Tensor = torch.tanh(x @ W_in.t() + b_in + r * (h @ W_hn.t() + b_hn))
    return (1 - z) * n + z * h
