"""RNN — cells with torch.addmm, a layer loop, index_select embeddings, a GRU with σ via softplus."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# Registry of gate names, in nn.GRUCell's order (filled at import).
GRU_GATES = ("reset", "update", "new")
GATE_INDEX = {name: i for i, name in enumerate(GRU_GATES)}


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.addmm(b_ih, x, w_ih.t())
    pre = torch.addmm(pre + b_hh, h, w_hh.t())
    return torch.tanh(pre)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    inputs = list(x.unbind(0))
    finals = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outs = []
        for x_t in inputs:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            outs.append(h)
        inputs = outs
        finals.append(h)
    return torch.stack(inputs, 0), torch.stack(finals, 0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    rows = torch.index_select(weight, 0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([lookup[ch] for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(input_size=embed_dim or vocab_size, hidden_size=hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)
        self.register_buffer("eye", torch.eye(vocab_size), persistent=False)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embedding(idx) if self.embedding is not None else self.eye[idx]
        out, _ = self.rnn(x)
        return self.fc(out)


def _sigmoid(z: Tensor) -> Tensor:
    return torch.exp(-F.softplus(-z))


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = torch.addmm(b_ih, x, w_ih.t()).chunk(3, dim=1)
    gh = torch.addmm(b_hh, h, w_hh.t()).chunk(3, dim=1)
    r = _sigmoid(gi[GATE_INDEX["reset"]] + gh[GATE_INDEX["reset"]])
    z = _sigmoid(gi[GATE_INDEX["update"]] + gh[GATE_INDEX["update"]])
    n = torch.tanh(gi[GATE_INDEX["new"]] + r * gh[GATE_INDEX["new"]])
    return (1 - z) * n + z * h
