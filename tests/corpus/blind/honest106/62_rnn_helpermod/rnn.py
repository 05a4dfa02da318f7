"""RNN — affine maps and the gate nonlinearity in rnn_ops.py beside this file; a training demo under __main__."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

import rnn_ops


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(rnn_ops.affine(x, w_ih, b_ih) + rnn_ops.affine(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq = [x[t] for t in range(x.shape[0])]
    last = []
    for layer, p in enumerate(params):
        h = h0[layer]
        new_seq = []
        for x_t in seq:
            h = rnn_cell(x_t, h, *p)
            new_seq.append(h)
        seq = new_seq
        last.append(h)
    return torch.stack(seq), torch.stack(last)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    rows = [weight[i] for i in idx.reshape(-1).tolist()]
    return torch.stack(rows).reshape(*idx.shape, weight.shape[-1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    table = {c: i for i, c in enumerate(vocab)}
    return torch.tensor(list(map(table.__getitem__, text)), dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size, num_layers=1)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        x = self.embedding(idx) if self.embedding is not None else F.one_hot(idx, self.vocab_size).to(torch.float32)
        h0 = torch.zeros(1, idx.shape[1], self.rnn.hidden_size, device=idx.device)
        y, _ = self.rnn(x, h0)
        return self.out(y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gi = rnn_ops.affine(x, w_ih, b_ih)
    gh = rnn_ops.affine(h, w_hh, b_hh)
    (ir, iz, i_n), (hr, hz, hn) = gi.chunk(3, 1), gh.chunk(3, 1)
    r = rnn_ops.stable_sigmoid(ir + hr)
    z = rnn_ops.stable_sigmoid(iz + hz)
    n = torch.tanh(i_n + r * hn)
    return (1 - z) * n + z * h


if __name__ == "__main__":
    vocab = "ehlo"
    inputs = encode_chars("hello", vocab).unsqueeze(1)
    labels = encode_chars("ohlol", vocab)
    model = HelloRNN(len(vocab), 8, embed_dim=10)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for epoch in range(15):
        logits = model(inputs).squeeze(1)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"epoch {epoch}: {''.join(vocab[i] for i in logits.argmax(1))} loss={loss.item():.3f}")
