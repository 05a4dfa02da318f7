# correct: rnn_cell/gru_cell from F.linear (GRU weights chunked first, h' = n + z(h − n)); rnn_forward with the time loop outside the layer loop; embedding via index_select + reshape; encode via list.index; HelloRNN one-hot by indexing torch.eye on idx's device, explicit h0
"""Recurrent networks — reference solution. The specification is the docstrings in exercises/rnn.py."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Two F.linear maps."""
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Step by step on the outside, layer by layer on the inside."""
    hidden = list(h0.unbind(0))
    outputs = []
    for t in range(x.shape[0]):
        inp = x[t]
        for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
            hidden[layer] = rnn_cell(inp, hidden[layer], w_ih, w_hh, b_ih, b_hh)
            inp = hidden[layer]
        outputs.append(inp)
    return torch.stack(outputs, dim=0), torch.stack(hidden, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """index_select on the flat indices, then the shape back."""
    rows = weight.index_select(0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """list.index on a list copy of the vocabulary."""
    chars = list(vocab)
    return torch.tensor([chars.index(c) for c in text], dtype=torch.long).reshape(len(text))


class HelloRNN(nn.Module):
    """One-hot by indexing an identity matrix; embedding optional; nn.RNN; a linear head."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.use_embedding = embed_dim is not None
        if self.use_embedding:
            self.emb = nn.Embedding(vocab_size, embed_dim)
            in_size = embed_dim
        else:
            in_size = vocab_size
        self.rnn = nn.RNN(input_size=in_size, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.use_embedding:
            x = self.emb(idx)
        else:
            x = torch.eye(self.vocab_size, device=idx.device)[idx]
        h0 = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, device=idx.device)
        out, _ = self.rnn(x, h0)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Weights chunked first, one F.linear per gate."""
    w_ir, w_iz, w_in = w_ih.chunk(3, dim=0)
    w_hr, w_hz, w_hn = w_hh.chunk(3, dim=0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(F.linear(x, w_ir, b_ir) + F.linear(h, w_hr, b_hr))
    z = torch.sigmoid(F.linear(x, w_iz, b_iz) + F.linear(h, w_hz, b_hz))
    n = torch.tanh(F.linear(x, w_in, b_in) + r * F.linear(h, w_hn, b_hn))
    return n + z * (h - n)
