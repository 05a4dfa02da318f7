"""RNN — F.linear for the affine maps, hidden states collected per layer, an embedding by one-hot product."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


@dataclass
class LayerWeights:
    w_ih: Tensor
    w_hh: Tensor
    b_ih: Tensor
    b_hh: Tensor

    def step(self, x: Tensor, h: Tensor) -> Tensor:
        return rnn_cell(x, h, self.w_ih, self.w_hh, self.b_ih, self.b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[Tuple[Tensor, Tensor, Tensor, Tensor]]) -> Tuple[Tensor, Tensor]:
    layers = [LayerWeights(*p) for p in params]
    h = list(h0.unbind(0))
    outputs = []
    for x_t in x:                      # time outer, layers inner: same result
        inp = x_t
        for l, layer in enumerate(layers):
            h[l] = layer.step(inp, h[l])
            inp = h[l]
        outputs.append(inp)
    return torch.stack(outputs), torch.stack(h)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    lookup = {ch: i for i, ch in enumerate(vocab)}
    return torch.as_tensor([lookup[ch] for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: Optional[int] = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim
        if embed_dim:
            self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.linear = nn.Linear(hidden_size, vocab_size)

    @property
    def uses_embedding(self) -> bool:
        return bool(self.embed_dim)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embedding(idx) if self.uses_embedding else F.one_hot(idx, self.vocab_size).float()
        hidden, _ = self.rnn(x)
        return self.linear(hidden)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    reset = torch.sigmoid(i_r + h_r)
    update = torch.sigmoid(i_z + h_z)
    new = torch.tanh(i_n + reset * h_n)
    return new + update * (h - new)
