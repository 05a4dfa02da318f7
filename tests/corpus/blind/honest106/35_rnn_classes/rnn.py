"""RNN — cells written as small nn.Module-free classes with properties; GRU via a gate helper; Embedding for HelloRNN."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


def _affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.addmm(b, x, w.t())


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(_affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[Tuple[Tensor, Tensor, Tensor, Tensor]]) -> Tuple[Tensor, Tensor]:
    layer_in = x
    h_n: List[Tensor] = []
    for l, weights in enumerate(params):
        h = h0[l]
        outs = []
        for t in range(layer_in.size(0)):
            h = rnn_cell(layer_in[t], h, *weights)
            outs.append(h.unsqueeze(0))
        layer_in = torch.cat(outs, dim=0)
        h_n.append(h.unsqueeze(0))
    return layer_in, torch.cat(h_n, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return torch.index_select(weight, 0, idx.flatten()).view(idx.shape + (weight.size(1),))


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    char2idx = dict(zip(vocab, range(len(vocab))))
    return torch.LongTensor([char2idx[c] for c in text])


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: Optional[int] = None) -> None:
        super().__init__()
        self._vocab = vocab_size
        self.embed = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(input_size=embed_dim if embed_dim else vocab_size, hidden_size=hidden_size)
        self.fc = nn.Linear(hidden_size, vocab_size)

    @property
    def vocab_size(self) -> int:
        return self._vocab

    def _inputs(self, idx: Tensor) -> Tensor:
        if self.embed is not None:
            return self.embed(idx)
        onehot = torch.zeros(*idx.shape, self.vocab_size, device=idx.device)
        return onehot.scatter_(-1, idx.unsqueeze(-1), 1.0)

    def forward(self, idx: Tensor) -> Tensor:
        out, _hidden = self.rnn(self._inputs(idx))
        return self.fc(out)


def _gate(xw: Tensor, hw: Tensor) -> Tensor:
    z = xw + hw
    e = torch.exp(-z.abs())
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    H = h.shape[1]
    gx = _affine(x, w_ih, b_ih)
    gh = _affine(h, w_hh, b_hh)
    r = _gate(gx[:, :H], gh[:, :H])
    z = _gate(gx[:, H:2 * H], gh[:, H:2 * H])
    n = torch.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h
