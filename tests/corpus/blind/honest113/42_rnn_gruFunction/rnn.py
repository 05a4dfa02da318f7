"""RNN where the cell's non-linearity is a custom autograd Function (forward and backward by hand)."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", x: Tensor) -> Tensor:
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_y: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad_y * (1 - y * y)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = torch.sigmoid(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y * (1 - y)


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    return Tanh.apply(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    inputs = list(x)
    h_n = []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[layer]
        outputs = []
        for x_t in inputs:
            h = rnn_cell(x_t, h, w_ih, w_hh, b_ih, b_hh)
            outputs.append(h)
        inputs = outputs
        h_n.append(h)
    return torch.stack(inputs), torch.stack(h_n)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    return weight[idx.long()]


def encode_chars(text: str, vocab) -> Tensor:
    return torch.tensor([list(vocab).index(ch) for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.emb = nn.Embedding(vocab_size, embed_dim) if embed_dim else None
        self.rnn = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size, nonlinearity="tanh")
        self.out = nn.Linear(hidden_size, vocab_size)

    @property
    def input_size(self) -> int:
        return self.rnn.input_size

    def forward(self, idx: Tensor) -> Tensor:
        x = self.emb(idx) if self.emb is not None else nn.functional.one_hot(idx, self.vocab_size).float()
        y, _ = self.rnn(x)
        return self.out(y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hidden = h.shape[-1]
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    r = Sigmoid.apply(gi[:, :hidden] + gh[:, :hidden])
    z = Sigmoid.apply(gi[:, hidden:2 * hidden] + gh[:, hidden:2 * hidden])
    n = Tanh.apply(gi[:, 2 * hidden:] + r * gh[:, 2 * hidden:])
    return (1 - z) * n + z * h
