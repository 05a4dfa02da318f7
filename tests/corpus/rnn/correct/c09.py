# correct: rnn_cell: matmul with transpose(0, 1), biases summed first; rnn_forward: layer-major, the output written into h0.new_empty; embedding_lookup: torch.gather of expanded indices; encode_chars: vocab.index per character, torch.as_tensor; HelloRNN: nn.RNNCell looped over the steps (h starts at zero), one-hot by scatter into zeros on the indices' device; gru_cell: torch.split of the weights, r and z from one sigmoid
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    bias = b_ih + b_hh
    return torch.tanh(torch.matmul(x, w_ih.transpose(0, 1)) + torch.matmul(h, w_hh.transpose(0, 1)) + bias)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq_len, batch = x.shape[0], x.shape[1]
    hidden = h0.shape[2]
    seq, finals = x, []
    for layer in range(len(params)):
        w_ih, w_hh, b_ih, b_hh = params[layer]
        out = h0.new_empty(seq_len, batch, hidden)
        h = h0[layer]
        for t in range(seq_len):
            h = rnn_cell(seq[t], h, w_ih, w_hh, b_ih, b_hh)
            out[t] = h
        finals.append(h)
        seq = out
    return seq, torch.stack(finals, dim=0)


def embedding_lookup(weight, idx):
    dim = weight.size(1)
    flat = idx.reshape(-1, 1).expand(-1, dim)
    return torch.gather(weight, 0, flat).view(*idx.shape, dim)


def encode_chars(text: str, vocab) -> Tensor:
    return torch.as_tensor([vocab.index(ch) for ch in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.cell = nn.RNNCell(embed_dim if embed_dim else vocab_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def _inputs(self, idx):
        if self.embed is not None:
            return self.embed(idx)
        onehot = torch.zeros(*idx.shape, self.vocab_size, device=idx.device)
        return onehot.scatter_(-1, idx.unsqueeze(-1), 1.0)

    def forward(self, idx):
        x = self._inputs(idx)
        h = x.new_zeros(idx.shape[1], self.hidden_size)
        logits = []
        for x_t in x:
            h = self.cell(x_t, h)
            logits.append(self.out(h))
        return torch.stack(logits)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    hidden = h.shape[1]
    w_irz, w_in = torch.split(w_ih, [2 * hidden, hidden])
    w_hrz, w_hn = torch.split(w_hh, [2 * hidden, hidden])
    b_irz, b_in = torch.split(b_ih, [2 * hidden, hidden])
    b_hrz, b_hn = torch.split(b_hh, [2 * hidden, hidden])
    rz = torch.sigmoid(x @ w_irz.T + b_irz + h @ w_hrz.T + b_hrz)
    r, z = rz[:, :hidden], rz[:, hidden:]
    n = torch.tanh(x @ w_in.T + b_in + r * (h @ w_hn.T + b_hn))
    return torch.lerp(n, h, z)
