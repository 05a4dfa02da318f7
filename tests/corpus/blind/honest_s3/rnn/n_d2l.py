# Graded code is a subset of Python: imports from torch, numpy and the standard helpers
# (math, typing, collections...), attributes written out by name, no eval/exec/globals();
# anything else is refused before it runs, with the line and what to write instead.
"""循环神经网络 — d2l 风格 (从零开始实现: state 元组, torch.mm, one-hot 乘权重)."""

from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    # H = tanh(X W_xh + H W_hh + b_h); PyTorch 存的是转置 (hidden, input)
    return torch.tanh(torch.mm(x, w_ih.T) + b_ih + torch.mm(h, w_hh.T) + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    num_layers = len(params)
    state = tuple(h0[i] for i in range(num_layers))     # 每层一个隐状态
    outputs = []
    for X in x:                                        # 按时间步
        new_state = []
        inp = X
        for i in range(num_layers):                    # 按层 (深度循环神经网络)
            H = rnn_cell(inp, state[i], *params[i])
            new_state.append(H)
            inp = H
        state = tuple(new_state)
        outputs.append(inp)                            # 最上层的输出
    return torch.stack(outputs), torch.stack(state)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    # 独热编码乘以权重矩阵, 等价于取行 (重复的下标梯度会累加)
    oh = F.one_hot(idx, num_classes=weight.shape[0]).to(weight.dtype)
    return oh @ weight


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    token_to_idx = {token: i for i, token in enumerate(vocab)}
    return torch.tensor([token_to_idx[c] for c in text], dtype=torch.int64).reshape(len(text))


class HelloRNN(nn.Module):
    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed_dim = embed_dim
        if embed_dim:
            self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn_layer = nn.RNN(embed_dim if embed_dim else vocab_size, hidden_size)
        self.linear = nn.Linear(hidden_size, vocab_size)

    def forward(self, inputs: Tensor) -> Tensor:
        if self.embed_dim:
            X = self.embedding(inputs)
        else:
            X = F.one_hot(inputs, self.vocab_size).type(torch.float32)
        Y, state = self.rnn_layer(X)
        # 全连接层: (时间步数, 批量大小, 隐藏单元数) -> (时间步数, 批量大小, 词表大小)
        return self.linear(Y)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    hs = h.shape[-1]
    W_xr, W_xz, W_xh = w_ih[:hs], w_ih[hs:2 * hs], w_ih[2 * hs:]
    W_hr, W_hz, W_hh = w_hh[:hs], w_hh[hs:2 * hs], w_hh[2 * hs:]
    R = torch.sigmoid(torch.mm(x, W_xr.T) + b_ih[:hs] + torch.mm(h, W_hr.T) + b_hh[:hs])            # 重置门
    Z = torch.sigmoid(torch.mm(x, W_xz.T) + b_ih[hs:2 * hs] + torch.mm(h, W_hz.T) + b_hh[hs:2 * hs])  # 更新门
    H_tilda = torch.tanh(torch.mm(x, W_xh.T) + b_ih[2 * hs:] + R * (torch.mm(h, W_hh.T) + b_hh[2 * hs:]))  # 候选隐状态
    return Z * h + (1 - Z) * H_tilda
