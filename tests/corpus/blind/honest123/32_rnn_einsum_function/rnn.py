"""Recurrent networks — einsum contractions, a size switch in the embedding lookup,
and a custom autograd Function for the RNN non-linearity."""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn
from torch.autograd.function import once_differentiable

ONE_HOT_LIMIT = 256      # vocabularies up to this size use the one-hot product, larger ones index


class TanhFn(torch.autograd.Function):
    """tanh forward via torch.tanh, backward by hand from the saved output: 1 − y²."""

    @staticmethod
    def forward(ctx: "torch.autograd.function.FunctionCtx", z: Tensor) -> Tensor:
        y = torch.tanh(z)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx: "torch.autograd.function.FunctionCtx", grad_y: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return grad_y * (1 - y * y)


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    pre = torch.einsum("bi,hi->bh", x, w_ih) + b_ih + torch.einsum("bj,hj->bh", h, w_hh) + b_hh
    return TanhFn.apply(pre)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    layer_in = x
    last_states = []
    for l, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        # the input projection of every step at once, then the recurrence step by step
        projected = torch.einsum("tbi,hi->tbh", layer_in, w_ih) + b_ih
        h = h0[l]
        steps = []
        for t in range(layer_in.shape[0]):
            h = TanhFn.apply(projected[t] + torch.einsum("bj,hj->bh", h, w_hh) + b_hh)
            steps.append(h)
        layer_in = torch.stack(steps)
        last_states.append(h)
    return layer_in, torch.stack(last_states)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    vocab = weight.shape[0]
    if vocab <= ONE_HOT_LIMIT:
        classes = torch.arange(vocab, device=idx.device)
        one_hot = (idx.unsqueeze(-1) == classes).to(weight.dtype)      # idx.shape + (V,)
        return torch.einsum("...v,vd->...d", one_hot, weight)
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    vocab = list(vocab)
    return torch.as_tensor([vocab.index(ch) for ch in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        self.rnn = nn.RNN(input_size=embed_dim if embed_dim is not None else vocab_size,
                          hidden_size=hidden_size, num_layers=1)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.embed is None:
            classes = torch.arange(self.vocab_size, device=idx.device)
            x = (idx.unsqueeze(-1) == classes).to(self.out.weight.dtype)
        else:
            x = self.embed(idx)
        h, _ = self.rnn(x)
        return self.out(h)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    W_ir, W_iz, W_in = w_ih.chunk(3, 0)
    W_hr, W_hz, W_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(torch.einsum("bi,hi->bh", x, W_ir) + b_ir + torch.einsum("bj,hj->bh", h, W_hr) + b_hr)
    z = torch.sigmoid(torch.einsum("bi,hi->bh", x, W_iz) + b_iz + torch.einsum("bj,hj->bh", h, W_hz) + b_hz)
    n = torch.tanh(torch.einsum("bi,hi->bh", x, W_in) + b_in + r * (torch.einsum("bj,hj->bh", h, W_hn) + b_hn))
    return (1 - z) * n + z * h
