"""RNN topic: embedding switches between one-hot matmul (small vocab) and indexing (large)."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

ONE_HOT_MAX_ROWS = 64


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(torch.matmul(x, w_ih.transpose(0, 1)) + b_ih + torch.matmul(h, w_hh.transpose(0, 1)) + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq = x
    last = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        # the input projection of a whole layer in one go, then the recurrence step by step
        proj = torch.matmul(seq, w_ih.T) + b_ih                  # (T, B, H)
        h = h0[l]
        hs = []
        for t in range(seq.shape[0]):
            h = torch.tanh(proj[t] + h @ w_hh.T + b_hh)
            hs.append(h)
        seq = torch.stack(hs)
        last.append(h)
    return seq, torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    if weight.shape[0] <= ONE_HOT_MAX_ROWS:
        onehot = F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype)   # 相比 one-hot 降维
        return onehot @ weight
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    positions = {ch: pos for pos, ch in enumerate(vocab)}
    out = torch.empty(len(text), dtype=torch.long)
    for i, ch in enumerate(text):
        out[i] = positions[ch]
    return out


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        in_size = vocab_size
        self.embed = None
        if embed_dim is not None:
            self.embed = nn.Embedding(vocab_size, embed_dim)
            in_size = embed_dim
        self.cell = nn.RNN(in_size, hidden_size, num_layers=1, nonlinearity="tanh")
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embed(idx) if self.embed is not None else F.one_hot(idx, self.vocab_size).float()
        hidden, _ = self.cell(x)
        seq_len, batch, hsz = hidden.shape
        logits = self.out(hidden.reshape(seq_len * batch, hsz))
        return logits.reshape(seq_len, batch, self.vocab_size)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    H = h.shape[1]
    gi = torch.matmul(x, w_ih.T) + b_ih
    gh = torch.matmul(h, w_hh.T) + b_hh
    rz = torch.sigmoid(gi[:, :2 * H] + gh[:, :2 * H])
    r, z = rz[:, :H], rz[:, H:]
    n = torch.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1.0 - z) * n + z * h
