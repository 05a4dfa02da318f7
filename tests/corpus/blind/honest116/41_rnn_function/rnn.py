# 循环神经网络 — answers; the embedding is a hand-written autograd Function, and running the
# file trains the hello -> ohlol model.
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.autograd.function import once_differentiable


class EmbeddingFn(torch.autograd.Function):
    """rows = weight[idx]; backward scatters (accumulates) grad rows back with index_add_."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", weight: Tensor, idx: Tensor) -> Tensor:
        ctx.save_for_backward(idx)
        ctx.num_rows = weight.shape[0]
        return weight[idx]

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_out: Tensor):
        (idx,) = ctx.saved_tensors
        dim = grad_out.shape[-1]
        grad_w = torch.zeros(ctx.num_rows, dim, dtype=grad_out.dtype, device=grad_out.device)
        grad_w.index_add_(0, idx.reshape(-1), grad_out.reshape(-1, dim))
        return grad_w, None


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return torch.tanh(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    num_layers = len(params)
    h = list(h0.unbind(0))
    out_seq = []
    for t in range(x.size(0)):
        inp = x[t]
        for l in range(num_layers):
            w_ih, w_hh, b_ih, b_hh = params[l]
            h[l] = rnn_cell(inp, h[l], w_ih, w_hh, b_ih, b_hh)
            inp = h[l]
        out_seq.append(inp)
    return torch.stack(out_seq), torch.stack(h)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return EmbeddingFn.apply(weight, idx)


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    idx2char = list(vocab)
    return torch.LongTensor([idx2char.index(c) for c in text])


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super(HelloRNN, self).__init__()
        self.input_size = vocab_size
        self.hidden_size = hidden_size
        self.use_embedding = embed_dim is not None
        if self.use_embedding:
            self.emb = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(input_size=embed_dim if self.use_embedding else vocab_size,
                          hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        if self.use_embedding:
            x = self.emb(x)
        else:
            x = F.one_hot(x, num_classes=self.input_size).to(self.fc.weight.dtype)
        x, _ = self.rnn(x)
        return self.fc(x)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    gates_x = F.linear(x, w_ih, b_ih)
    gates_h = F.linear(h, w_hh, b_hh)
    xr, xz, xn = torch.split(gates_x, h.shape[1], dim=1)
    hr, hz, hn = torch.split(gates_h, h.shape[1], dim=1)
    reset = torch.sigmoid(xr + hr)
    update = torch.sigmoid(xz + hz)
    new = torch.tanh(xn + reset * hn)
    return (1 - update) * new + update * h


if __name__ == "__main__":
    idx2char = ["e", "h", "l", "o"]
    inputs = encode_chars("hello", idx2char).view(-1, 1)
    labels = encode_chars("ohlol", idx2char)
    net = HelloRNN(4, 8, embed_dim=10)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.05)
    for epoch in range(15):
        optimizer.zero_grad()
        outputs = net(inputs).view(-1, 4)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        _, idx = outputs.max(dim=1)
        print("Predicted:", "".join(idx2char[i] for i in idx.tolist()), end="")
        print(", Epoch [%d/15] loss = %.3f" % (epoch + 1, loss.item()))
    torch.save(net.state_dict(), "hello_rnn.pt")
