"""RNN — F.linear for the affine maps, index_select for the embedding, a learned embedding in HelloRNN."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq_len = x.shape[0]
    layer_in = x
    h_n = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        # the input projection of every step at once, then the recurrence
        proj = F.linear(layer_in, w_ih, b_ih)                 # (seq, batch, hidden)
        h = h0[l]
        steps = []
        for t in range(seq_len):
            h = torch.tanh(proj[t] + F.linear(h, w_hh, b_hh))
            steps.append(h)
        layer_in = torch.stack(steps)
        h_n.append(h)
    return layer_in, torch.stack(h_n)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    rows = torch.index_select(weight, 0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.tensor([vocab.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size, num_layers=1)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def encode(self, idx: Tensor) -> Tensor:
        if self.embedding is not None:
            return self.embedding(idx)
        eye = torch.eye(self.vocab_size, device=idx.device, dtype=self.linear.weight.dtype)
        return eye[idx]

    def forward(self, idx: Tensor) -> Tensor:
        hidden0 = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, device=idx.device,
                              dtype=self.linear.weight.dtype)
        out, _ = self.rnn(self.encode(idx), hidden0)
        return self.linear(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    H = h.shape[1]
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    r = torch.sigmoid(gi[:, :H] + gh[:, :H])
    z = torch.sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return n + z * (h - n)
