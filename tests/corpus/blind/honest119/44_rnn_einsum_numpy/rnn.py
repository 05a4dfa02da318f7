"""RNN — einsum for the products, numpy for the character lookup (strings are not tensors)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.einsum("bi,hi->bh", x, w_ih) + torch.einsum("bk,hk->bh", h, w_hh)
    return torch.tanh(pre + (b_ih + b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    hs = [h0[l] for l in range(len(params))]
    top = []
    for x_t in x:
        inp = x_t
        for l, p in enumerate(params):
            hs[l] = rnn_cell(inp, hs[l], *p)     # step t, layer by layer
            inp = hs[l]
        top.append(inp)
    return torch.stack(top), torch.stack(hs)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = idx.flatten()
    return weight[flat].view(idx.shape + (weight.shape[-1],))


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab_arr = np.array(list(vocab))
    text_arr = np.array(list(text))
    positions = np.argmax(text_arr[:, None] == vocab_arr[None, :], axis=1) if len(text) else np.zeros(0, int)
    return torch.from_numpy(positions.astype(np.int64))


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.num_class = vocab_size
        self.emb = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(input_size=embed_dim or vocab_size, hidden_size=hidden_size, batch_first=False)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is None:
            x = torch.zeros(*idx.shape, self.num_class, device=idx.device)
            x.scatter_(-1, idx.unsqueeze(-1), 1.0)
        else:
            x = self.emb(idx)
        y, _ = self.rnn(x)
        return self.fc(y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    w_ir, w_iz, w_in = w_ih.chunk(3, 0)
    w_hr, w_hz, w_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    lin = lambda a, w, b: torch.einsum("bi,oi->bo", a, w) + b
    r = torch.sigmoid(lin(x, w_ir, b_ir) + lin(h, w_hr, b_hr))
    z = torch.sigmoid(lin(x, w_iz, b_iz) + lin(h, w_hz, b_hz))
    n = torch.tanh(lin(x, w_in, b_in) + r * lin(h, w_hn, b_hn))
    return (1 - z) * n + z * h
