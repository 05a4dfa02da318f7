"""RNN with functools.reduce over time steps and itertools for the vocabulary."""
import functools
import itertools

import torch
import torch.nn as nn


def rnn_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    pre = torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t())
    return pre.tanh()


def _run_layer(seq, h, params):
    def step(acc, x_t):
        outs, h_prev = acc
        h_new = rnn_cell(x_t, h_prev, *params)
        return outs + [h_new], h_new

    outs, h_last = functools.reduce(step, seq, ([], h))
    return torch.stack(outs), h_last


def rnn_forward(x, h0, params):
    seq, last = x, []
    for layer, p in enumerate(params):
        seq, h = _run_layer(seq, h0[layer], p)
        last.append(h)
    return seq, torch.stack(last)


def embedding_lookup(weight, idx):
    return torch.index_select(weight, 0, idx.flatten()).view(idx.shape + (weight.size(1),))


def encode_chars(text, vocab):
    lookup = dict(zip(vocab, itertools.count()))
    return torch.tensor(list(map(lookup.__getitem__, text)), dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, embed_dim=None):
        super().__init__()
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim
        layers = {}
        if embed_dim is not None:
            layers["emb"] = nn.Embedding(vocab_size, embed_dim)
        self.extra = nn.ModuleDict(layers)
        self.cell = nn.RNN(embed_dim or vocab_size, hidden_size)
        self.decoder = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx):
        if "emb" in self.extra:
            x = self.extra["emb"](idx)
        else:
            x = torch.zeros(*idx.shape, self.vocab_size, device=idx.device).scatter_(-1, idx.unsqueeze(-1), 1.0)
        hs, _ = self.cell(x)
        return self.decoder(hs)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    gates_x = torch.addmm(b_ih, x, w_ih.t()).chunk(3, 1)
    gates_h = torch.addmm(b_hh, h, w_hh.t()).chunk(3, 1)
    r, z = (torch.sigmoid(a + b) for a, b in zip(gates_x[:2], gates_h[:2]))
    n = torch.tanh(gates_x[2] + r * gates_h[2])
    return torch.lerp(n, h, z)
