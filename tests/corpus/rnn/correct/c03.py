# correct: rnn_cell: einsum; rnn_forward: a while loop over steps, h_n taken from the stacked outputs; embedding_lookup: rows picked one by one, stacked; encode_chars: vocab.index per character, torch.as_tensor; HelloRNN: nn.RNNCell looped over the steps (h starts at zero), one-hot by scatter into zeros on the indices' device; gru_cell: torch.split of the weights, r and z from one sigmoid
"""Recurrent network exercises."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    a = torch.einsum("bi,hi->bh", x, w_ih) + torch.einsum("bk,hk->bh", h, w_hh)
    return torch.tanh(a + b_ih + b_hh)


def rnn_forward(x, h0, params):
    layer_in = x
    h_n = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        states = []
        t = 0
        while t < layer_in.size(0):
            h = rnn_cell(layer_in[t], h, w_ih, w_hh, b_ih, b_hh)
            states.append(h)
            t += 1
        layer_in = torch.stack(states)
        h_n.append(layer_in[-1])
    return layer_in, torch.stack(h_n)


def embedding_lookup(weight, idx):
    rows = [weight[i] for i in idx.flatten()]
    return torch.stack(rows).reshape(idx.shape + (weight.shape[1],))


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
