"""Recurrent networks in a functional style: the time loop is a fold (itertools.accumulate)."""

from __future__ import annotations

from functools import partial
from itertools import accumulate
from typing import Callable, List, Sequence, Tuple

import torch
from torch import Tensor, nn

Weights = Tuple[Tensor, Tensor, Tensor, Tensor]


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh((x @ w_ih.T + b_ih) + (h @ w_hh.T + b_hh))


def _scan(cell: Callable[[Tensor, Tensor], Tensor], h0: Tensor, xs: Sequence[Tensor]) -> List[Tensor]:
    """All hidden states h_1..h_T of h_t = cell(x_t, h_{t-1})."""
    return list(accumulate(xs, lambda h, x_t: cell(x_t, h), initial=h0))[1:]


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[Weights]) -> Tuple[Tensor, Tensor]:
    states: List[Tensor] = list(x.unbind(0))
    finals: List[Tensor] = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        step = partial(rnn_cell, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh)
        states = _scan(lambda x_t, h: step(x_t, h), h0[layer], states)
        finals.append(states[-1] if states else h0[layer])
    return torch.stack(states), torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return torch.take_along_dim(weight, idx.reshape(-1, 1), dim=0).reshape(*idx.shape, -1) \
        if weight.shape[1] == 1 else weight[idx.reshape(-1)].reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table = {c: i for i, c in enumerate(vocab)}
    return torch.tensor(list(map(table.get, text)), dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        layers: List[nn.Module] = []
        if embed_dim is not None:
            layers.append(nn.Embedding(vocab_size, embed_dim))
        self.encode = nn.Sequential(*layers)
        self.rnn = nn.RNN(embed_dim if embed_dim is not None else vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)
        self.uses_embedding = embed_dim is not None

    def forward(self, idx: Tensor) -> Tensor:
        if self.uses_embedding:
            x = self.encode(idx)
        else:
            x = nn.functional.one_hot(idx, self.vocab_size).to(self.out.weight.dtype)
        y, _ = self.rnn(x)
        return self.out(y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gates_x = torch.addmm(b_ih, x, w_ih.T).unflatten(1, (3, -1))      # (batch, 3, hidden)
    gates_h = torch.addmm(b_hh, h, w_hh.T).unflatten(1, (3, -1))
    rz = torch.sigmoid(gates_x[:, :2] + gates_h[:, :2])
    r, z = rz[:, 0], rz[:, 1]
    n = torch.tanh(gates_x[:, 2] + r * gates_h[:, 2])
    return (1 - z) * n + z * h
