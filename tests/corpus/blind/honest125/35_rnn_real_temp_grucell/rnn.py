# Graded code is a subset of Python: public names of torch, numpy and the standard helpers
# (math, typing, collections...; no `_private` module), attributes written out by name, no
# eval/exec/globals(); anything else is refused before it runs, with what to write instead.
"""Recurrent networks — RNNCell, num_layers, Embedding, hello → ohlol.

A recurrent network reads a sequence one step at a time and carries a hidden state h
(隐藏状态) from step to step, using the SAME weights at every step (权重共享):

    h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)

``nn.RNN`` runs this over a whole sequence (seq-first: x (seq_len, batch, input_size)) and can
stack layers (num_layers): layer l reads the outputs of layer l − 1. It returns the top layer's
h_t at every step, ``output`` (seq_len, batch, hidden), and the last h of every layer, ``h_n``
(num_layers, batch, hidden).

Characters enter as indices into a vocabulary; one-hot vectors are wasteful (high-dimensional,
sparse), so an embedding (嵌入层, 相比 one-hot 降维) maps each index to a learned dense row of a
weight matrix. The lecture's exercise: learn to turn "hello" into "ohlol".

How your code is checked (``grade exercises/ --topic rnn``): values and gradients against
``nn.RNNCell``, ``nn.RNN``, ``nn.Embedding`` and ``nn.GRUCell`` given the same weights (float32
within rtol=1e-5, atol=1e-5; gradients in float64 within rtol=1e-7), that their torch twins are not used, that
HelloRNN learns hello → ohlol, and devices.
Inputs may be non-contiguous views (``x.T``, slices) unless a docstring says contiguous:
use ``reshape`` where ``view`` would fail.
"""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """One RNN step (RNNCell): h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh).

    x: (batch, input_size), h: (batch, hidden), w_ih: (hidden, input_size), w_hh: (hidden, hidden),
    b_ih, b_hh: (hidden,). Returns h' (batch, hidden), equal to ``nn.RNNCell`` with these weights.
    Off limits: ``nn.RNNCell``, ``nn.RNN``, ``torch.rnn_tanh_cell`` and torch's other recurrent
    layers and cells (an LSTM or GRU cell with its gates pinned is this cell).
    """
    raise NotImplementedError("rnn_cell: two affine maps, summed, through tanh")


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """A multi-layer tanh RNN over a whole sequence, seq-first, equal to ``nn.RNN``.

    x: (seq_len, batch, input_size); h0: (num_layers, batch, hidden); params: one
    (w_ih, w_hh, b_ih, b_hh) per layer, as in ``nn.RNN(...).all_weights`` (layer 0's w_ih is
    (hidden, input_size), the others' (hidden, hidden)); all float32 or all float64, the results in
    that dtype. Layer l's input at step t is layer l − 1's
    output at step t. Returns (output (seq_len, batch, hidden) — the last layer's h at every
    step — and h_n (num_layers, batch, hidden) — every layer's last h). Differentiable w.r.t.
    x, h0 and every parameter, as ``nn.RNN`` is.
    Off limits: ``nn.RNN``, ``nn.RNNCell`` and their functional forms (``torch.rnn_tanh``, …), and
    torch's other recurrent layers and cells (gates pinned, an LSTM or GRU is this RNN).
    """
    raise NotImplementedError("rnn_forward: loop over layers and steps with rnn_cell; stack the results")


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """Embedding lookup (嵌入层): the rows of ``weight`` named by ``idx``.

    weight: (num_embeddings, dim); idx: non-empty int64 of any shape. Returns
    idx.shape + (dim,), equal to ``one_hot(idx) @ weight`` and to ``nn.Embedding`` with this
    weight; differentiable w.r.t. weight (repeated indices accumulate). Off limits:
    ``F.embedding``, ``nn.Embedding``, ``F.embedding_bag``, ``nn.EmbeddingBag``.
    """
    raise NotImplementedError("embedding_lookup: index the weight's rows")


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """The position of each character of ``text`` in ``vocab`` (distinct characters), as int64 (len(text),).

    ``encode_chars("hello", "ehlo")`` is ``tensor([1, 0, 2, 2, 3])``.
    """
    raise NotImplementedError("encode_chars: look each character up in the vocabulary")


class HelloRNN(nn.Module):
    """The lecture's character model: ``HelloRNN(vocab_size, hidden_size, embed_dim=None)``.

    forward(idx int64 (seq_len, batch)) → logits (seq_len, batch, vocab_size): the input enters
    one-hot encoded (embed_dim None) or through an ``nn.Embedding(vocab_size, embed_dim)``, then
    an RNN (torch's ``nn.RNN`` is fine here), then a linear layer to vocab_size scores per step.
    Trained with cross-entropy it learns "hello" → "ohlol" with the vocabulary "ehlo".
    """

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        raise NotImplementedError("HelloRNN: one-hot or embedding, nn.RNN, nn.Linear")




# ---------------------------------------------------------------------------
# gru_cell — taken as found from JiapengWu/TeMP, baselines/custom_gru.py
# (commit 3dcddc869483520f69922846b1639b2808a6300f). Only the function is taken;
# the file's GRUCell module is not part of this exercise. Only the parameters input, hidden
# are renamed x, h (the stub's names); argument order already matches.
# ---------------------------------------------------------------------------
def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gi = torch.mm(x, w_ih.t()) + b_ih
    gh = torch.mm(h, w_hh.t()) + b_hh
    i_r, i_i, i_n = gi.chunk(3, 1)
    h_r, h_i, h_n = gh.chunk(3, 1)

    resetgate = torch.sigmoid(i_r + h_r)
    inputgate = torch.sigmoid(i_i + h_i)
    newgate = torch.tanh(i_n + resetgate * h_n)
    hy = newgate + inputgate * (h - newgate)

    return hy
