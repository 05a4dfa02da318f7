# correct: F.linear cell, steps outer / layers inner, one-hot embedding product (held back: written before the suites' edge inputs)
"""RNNs, written from the docstrings."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(torch.nn.functional.linear(x, w_ih, b_ih) + torch.nn.functional.linear(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    hs = list(h0.unbind(0))
    outputs = []
    for t in range(x.shape[0]):
        inp = x[t]
        for layer, weights in enumerate(params):
            hs[layer] = rnn_cell(inp, hs[layer], *weights)
            inp = hs[layer]
        outputs.append(inp)
    return torch.stack(outputs), torch.stack(hs)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return torch.nn.functional.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    chars = list(vocab)
    return torch.tensor([chars.index(c) for c in text], dtype=torch.long).reshape(len(text))


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is None:
            x = torch.nn.functional.one_hot(idx, self.vocab_size).float()
        else:
            x = self.embed(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h
