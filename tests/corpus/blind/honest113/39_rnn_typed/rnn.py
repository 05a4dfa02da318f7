"""RNN — typed, layer-major loop, F.linear for the affine maps."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LayerParams = Tuple[Tensor, Tensor, Tensor, Tensor]


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[LayerParams]) -> Tuple[Tensor, Tensor]:
    layer_in: Tensor = x
    finals: List[Tensor] = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h: Tensor = h0[layer]
        outs: List[Tensor] = []
        # the input projection of every step at once, then the recurrence
        proj: Tensor = F.linear(layer_in, w_ih, b_ih)
        for t in range(layer_in.shape[0]):
            h = torch.tanh(proj[t] + F.linear(h, w_hh, b_hh))
            outs.append(h)
        layer_in = torch.stack(outs)
        finals.append(h)
    return layer_in, torch.stack(finals)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat: Tensor = weight.index_select(0, idx.reshape(-1))
    return flat.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table: Dict[str, int] = {ch: i for i, ch in enumerate(vocab)}
    return torch.tensor([table[ch] for ch in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: Optional[int] = None) -> None:
        super().__init__()
        self.vocab_size: int = vocab_size
        self.embedding: Optional[nn.Embedding] = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn: nn.RNN = nn.RNN(embed_dim if embed_dim is not None else vocab_size, hidden_size)
        self.linear: nn.Linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x: Tensor
        if self.embedding is None:
            x = F.one_hot(idx, self.vocab_size).to(self.linear.weight.dtype)
        else:
            x = self.embedding(idx)
        out, _ = self.rnn(x)
        return self.linear(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    w_ir, w_iz, w_in = w_ih.chunk(3, 0)
    w_hr, w_hz, w_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r: Tensor = torch.sigmoid(F.linear(x, w_ir, b_ir) + F.linear(h, w_hr, b_hr))
    z: Tensor = torch.sigmoid(F.linear(x, w_iz, b_iz) + F.linear(h, w_hz, b_hz))
    n: Tensor = torch.tanh(F.linear(x, w_in, b_in) + r * F.linear(h, w_hn, b_hn))
    return (1 - z) * n + z * h
