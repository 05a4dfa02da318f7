"""RNN — the sequence unrolled recursively over layers; one-hot @ weight for the embedding."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(torch.addmm(b_ih, x, w_ih.T) + torch.addmm(b_hh, h, w_hh.T))


def _run_layers(inputs: Tensor, h0: Tensor, params: Sequence, finals: list[Tensor]) -> Tensor:
    """Run the first layer over the whole sequence, then recurse on the rest."""
    if not params:
        return inputs
    w_ih, w_hh, b_ih, b_hh = params[0]
    h, outs = h0[0], []
    for x_t in inputs:
        h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
        outs.append(h)
    finals.append(h)
    return _run_layers(torch.stack(outs), h0[1:], params[1:], finals)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    finals: list[Tensor] = []
    output = _run_layers(x, h0, list(params), finals)
    return output, torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    # one_hot(idx) @ weight, as the docstring describes (相比 one-hot 降维)
    return F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype) @ weight


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup = dict(zip(vocab, range(len(vocab))))
    return torch.tensor(list(map(lookup.__getitem__, text)), dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        layers: list[nn.Module] = []
        if embed_dim:
            layers.append(nn.Embedding(vocab_size, embed_dim))
        self.embed = nn.Sequential(*layers)
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embed(idx) if len(self.embed) else F.one_hot(idx, self.vocab_size).to(self.out.weight.dtype)
        hidden, _ = self.rnn(x)
        return self.out(hidden)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gates_x = torch.addmm(b_ih, x, w_ih.t()).chunk(3, dim=-1)
    gates_h = torch.addmm(b_hh, h, w_hh.t()).chunk(3, dim=-1)
    r, z = (torch.sigmoid(a + b) for a, b in zip(gates_x[:2], gates_h[:2]))
    n = torch.tanh(gates_x[2] + r * gates_h[2])
    return torch.lerp(n, h, z)
