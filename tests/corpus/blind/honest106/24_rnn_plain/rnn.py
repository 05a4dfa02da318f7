"""RNN — by the notes: affine maps with .t(), loops over layers and steps, one-hot via index_select on an eye."""

from __future__ import annotations

from typing import List, Sequence

import torch
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(x @ w_ih.t() + b_ih + h @ w_hh.t() + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    seq_len = x.shape[0]
    inputs: List[Tensor] = list(x.unbind(0))
    finals = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outputs = []
        for t in range(seq_len):
            h = rnn_cell(inputs[t], h, w_ih, w_hh, b_ih, b_hh)
            outputs.append(h)
        inputs = outputs
        finals.append(h)
    return torch.stack(inputs, dim=0), torch.stack(finals, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    flat = weight.index_select(0, idx.reshape(-1))
    return flat.reshape(*idx.shape, weight.shape[1])


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.tensor([vocab.index(ch) for ch in text], dtype=torch.long)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.emb = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        input_size = embed_dim if embed_dim is not None else vocab_size
        self.rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is None:
            eye = torch.eye(self.vocab_size, device=idx.device)
            x = eye[idx]
        else:
            x = self.emb(idx)
        out, _ = self.rnn(x)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    W_ir, W_iz, W_in = w_ih.chunk(3, 0)
    W_hr, W_hz, W_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x @ W_ir.T + b_ir + h @ W_hr.T + b_hr)
    z = torch.sigmoid(x @ W_iz.T + b_iz + h @ W_hz.T + b_hz)
    n = torch.tanh(x @ W_in.T + b_in + r * (h @ W_hn.T + b_hn))
    return (1 - z) * n + z * h


if __name__ == "__main__":
    idx2char = "ehlo"
    x = encode_chars("hello", idx2char).view(-1, 1)
    y = encode_chars("ohlol", idx2char)
    net = HelloRNN(4, 8)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for epoch in range(30):
        logits = net(x).view(-1, 4)
        loss = nn.CrossEntropyLoss()(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("".join(idx2char[i] for i in logits.argmax(1).tolist()), loss.item())
