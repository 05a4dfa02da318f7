# correct: rnn_forward projects each layer's whole input sequence at once (x·W_ihᵀ + b_ih) before the time loop; embedding as one_hot(idx).to(weight.dtype) @ weight; gru_cell from the concatenated [x, h] for r and z; encode_chars via str.index on ''.join(vocab)
"""Recurrent networks — reference solution. The specification is the docstrings in exercises/rnn.py."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)."""
    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Layer by layer, step by step."""
    layer_input, last = x, []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        projected = layer_input @ w_ih.T + b_ih          # (seq, batch, hidden) in one go
        h, steps = h0[layer], []
        for p_t in projected:
            h = torch.tanh(p_t + h @ w_hh.T + b_hh)
            steps.append(h)
        layer_input = torch.stack(steps)
        last.append(h)
    return layer_input, torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Rows of the weight."""
    return F.one_hot(idx, weight.shape[0]).to(weight.dtype) @ weight


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """Positions in the vocabulary."""
    letters = "".join(vocab)
    return torch.tensor([letters.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    """One-hot or embedding → RNN → linear."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is not None:
            x = self.embed(idx)
        else:
            x = nn.functional.one_hot(idx, self.vocab_size).float()
        output, _ = self.rnn(x)
        return self.out(output)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Reset, update and new gates."""
    hid = h.shape[1]
    xh = torch.cat([x, h], dim=1)
    w_rz = torch.cat([w_ih[:2 * hid], w_hh[:2 * hid]], dim=1)
    rz = torch.sigmoid(xh @ w_rz.T + b_ih[:2 * hid] + b_hh[:2 * hid])
    r, z = rz[:, :hid], rz[:, hid:]
    n = torch.tanh(x @ w_ih[2 * hid:].T + b_ih[2 * hid:] + r * (h @ w_hh[2 * hid:].T + b_hh[2 * hid:]))
    return (1 - z) * n + z * h
