"""Recurrent networks — input projections for the whole sequence at once (one matmul per layer),
addmm and F.linear for the affine maps."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.addmm(b_ih, x, w_ih.T) + torch.addmm(b_hh, h, w_hh.T)
    return pre.tanh()


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[Tuple[Tensor, Tensor, Tensor, Tensor]]) -> Tuple[Tensor, Tensor]:
    layer_in = x
    last: List[Tensor] = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        projected = F.linear(layer_in, w_ih, b_ih)        # (seq, batch, hidden) in one go
        h = h0[l]
        steps: List[Tensor] = []
        for t in range(projected.shape[0]):
            h = torch.tanh(projected[t] + F.linear(h, w_hh, b_hh))
            steps.append(h)
        layer_in = torch.stack(steps)
        last.append(h)
    return layer_in, torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = torch.index_select(weight, 0, idx.reshape(-1))
    return flat.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab_list = list(vocab)
    return torch.as_tensor([vocab_list.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(embed_dim if embed_dim is not None else vocab_size, hidden_size, num_layers=1)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embedding is not None:
            x = self.embedding(idx)
        else:
            x = F.one_hot(idx, self.vocab_size).to(self.head.weight.dtype)
        h0 = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, device=idx.device, dtype=x.dtype)
        out, _ = self.rnn(x, h0)
        return self.head(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    w_ir, w_iz, w_in = w_ih.chunk(3, 0)
    w_hr, w_hz, w_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(F.linear(x, w_ir, b_ir) + F.linear(h, w_hr, b_hr))
    z = torch.sigmoid(F.linear(x, w_iz, b_iz) + F.linear(h, w_hz, b_hz))
    n = torch.tanh(F.linear(x, w_in, b_in) + r * F.linear(h, w_hn, b_hn))
    return torch.lerp(n, h, z)          # (1 − z)·n + z·h
