"""RNN — 刘二大人 lecture 12: hello → ohlol, with the training loop under __main__."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    # 同一组权重在每一步共享 (权重共享)
    return torch.tanh(torch.mm(x, w_ih.t()) + b_ih + torch.mm(h, w_hh.t()) + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    num_layers = len(params)
    seq_len = x.size(0)
    out = x
    h_last = []
    for layer in range(num_layers):
        w_ih, w_hh, b_ih, b_hh = params[layer]
        hidden = h0[layer]
        collected = [None] * seq_len
        for t in range(seq_len):
            hidden = rnn_cell(out[t], hidden, w_ih, w_hh, b_ih, b_hh)
            collected[t] = hidden
        out = torch.stack(collected, dim=0)
        h_last.append(hidden)
    return out, torch.stack(h_last, dim=0)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight.index_select(0, idx.reshape(-1)).view(*idx.size(), -1)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    out = torch.empty(len(text), dtype=torch.int64)
    for i, ch in enumerate(text):
        match [j for j, v in enumerate(vocab) if v == ch]:
            case [j]:
                out[i] = j
            case _:
                raise KeyError(f"{ch!r} is not in the vocabulary")
    return out


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super(HelloRNN, self).__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.emb = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(input_size=embed_dim if embed_dim is not None else vocab_size,
                          hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        seq_len, batch = idx.shape
        if self.emb is not None:
            x = self.emb(idx)
        else:
            x = torch.zeros(seq_len, batch, self.vocab_size, device=idx.device, dtype=self.fc.weight.dtype)
            steps = torch.arange(seq_len, device=idx.device)[:, None]
            cols = torch.arange(batch, device=idx.device)[None, :]
            x[steps, cols, idx] = 1.0
        h0 = x.new_zeros(1, batch, self.hidden_size)
        out, _ = self.rnn(x, h0)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.size(1)
    w_ir, w_iz, w_in = w_ih[:hidden], w_ih[hidden:2 * hidden], w_ih[2 * hidden:]
    w_hr, w_hz, w_hn = w_hh[:hidden], w_hh[hidden:2 * hidden], w_hh[2 * hidden:]
    b_ir, b_iz, b_in = b_ih[:hidden], b_ih[hidden:2 * hidden], b_ih[2 * hidden:]
    b_hr, b_hz, b_hn = b_hh[:hidden], b_hh[hidden:2 * hidden], b_hh[2 * hidden:]
    r = torch.sigmoid(x @ w_ir.T + b_ir + h @ w_hr.T + b_hr)
    z = torch.sigmoid(x @ w_iz.T + b_iz + h @ w_hz.T + b_hz)
    n = torch.tanh(x @ w_in.T + b_in + r * (h @ w_hn.T + b_hn))
    return (1 - z) * n + z * h


if __name__ == "__main__":
    idx2char = ["e", "h", "l", "o"]
    inputs = encode_chars("hello", "ehlo").view(5, 1)
    labels = encode_chars("ohlol", "ehlo")
    net = HelloRNN(vocab_size=4, hidden_size=8)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1)
    for epoch in range(15):
        optimizer.zero_grad()
        outputs = net(inputs).view(-1, 4)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(dim=1)
        print("Predicted:", "".join(idx2char[i] for i in idx.tolist()), f", Epoch [{epoch + 1}/15] loss = {loss.item():.3f}")
    torch.save(net.state_dict(), "hello_rnn.pt")
