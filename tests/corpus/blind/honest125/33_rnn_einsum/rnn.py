"""RNN — einsum for the affine maps, a gate table built at import, index_select for embeddings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# Gate layout of torch's fused GRU weights, computed once at import: name -> chunk position.
GRU_GATES: Dict[str, int] = {name: i for i, name in enumerate(("reset", "update", "new"))}
# The einsum that applies a (hidden, in) weight to a (batch, in) input.
AFFINE = "bi,hi->bh"


def _affine(x: Tensor, w: Tensor, b: Tensor) -> Tensor:
    return torch.einsum(AFFINE, x, w) + b


def _sigmoid(z: Tensor) -> Tensor:
    """σ(z) = exp(−softplus(−z)): no overflow at either end."""
    return torch.exp(-F.softplus(-z))


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """tanh of the two affine maps, summed."""
    return torch.tanh(_affine(x, w_ih, b_ih) + _affine(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """Precompute each layer's input projections for all steps at once, then run the recurrence."""
    seq = x
    last_states = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        proj = torch.einsum("tbi,hi->tbh", seq, w_ih) + b_ih          # (T, B, H), all steps
        h = h0[layer]
        states = []
        for t in range(seq.shape[0]):
            h = torch.tanh(proj[t] + _affine(h, w_hh, b_hh))
            states.append(h)
        seq = torch.stack(states)
        last_states.append(h)
    return seq, torch.stack(last_states)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """index_select on the flattened indices, reshaped to idx.shape + (dim,)."""
    rows = weight.index_select(0, idx.reshape(-1))
    return rows.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """A char → position table, then a lookup per character."""
    table = {ch: pos for pos, ch in enumerate(vocab)}
    return torch.as_tensor([table[ch] for ch in text], dtype=torch.long)


@dataclass
class HelloConfig:
    vocab_size: int
    hidden_size: int
    embed_dim: int | None = None

    @property
    def rnn_input(self) -> int:
        return self.embed_dim if self.embed_dim is not None else self.vocab_size


class HelloRNN(nn.Module):
    """hello → ohlol: one-hot (scattered into a zero tensor) or nn.Embedding, nn.RNN, nn.Linear."""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.cfg = HelloConfig(vocab_size, hidden_size, embed_dim)
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(self.cfg.rnn_input, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def _one_hot(self, idx: Tensor) -> Tensor:
        z = torch.zeros(*idx.shape, self.cfg.vocab_size, device=idx.device, dtype=self.out.weight.dtype)
        return z.scatter_(-1, idx.unsqueeze(-1), 1.0)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embed(idx) if self.embed is not None else self._one_hot(idx)
        hidden_seq, _ = self.rnn(x)
        return self.out(hidden_seq)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Chunk the fused projections by the gate table."""
    gi = _affine(x, w_ih, b_ih).chunk(3, dim=-1)
    gh = _affine(h, w_hh, b_hh).chunk(3, dim=-1)
    r = _sigmoid(gi[GRU_GATES["reset"]] + gh[GRU_GATES["reset"]])
    z = _sigmoid(gi[GRU_GATES["update"]] + gh[GRU_GATES["update"]])
    n = torch.tanh(gi[GRU_GATES["new"]] + r * gh[GRU_GATES["new"]])
    return n + z * (h - n)
