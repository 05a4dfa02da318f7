"""RNN — partial: one RNN step, the embedding lookup and the character encoder; the rest is stubs."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """Concatenate [x, h] and [W_ih, W_hh] so one product does both maps."""
    xh = torch.cat([x, h], dim=1)
    w = torch.cat([w_ih, w_hh], dim=1)
    return torch.tanh(torch.addmm(b_ih + b_hh, xh, w.t()))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    raise NotImplementedError("rnn_forward: loop over layers and steps with rnn_cell; stack the results")


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Row lookup through torch.gather on the flattened ids (gradients scatter-add back)."""
    flat = idx.reshape(-1, 1).expand(-1, weight.shape[1])
    return torch.gather(weight, 0, flat).reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """str.index for each character."""
    vocab_str = "".join(vocab)
    return torch.tensor([vocab_str.index(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        raise NotImplementedError("HelloRNN: one-hot or embedding, nn.RNN, nn.Linear")


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    raise NotImplementedError("gru_cell: chunk the weights into r, z, n and apply the formulas")
