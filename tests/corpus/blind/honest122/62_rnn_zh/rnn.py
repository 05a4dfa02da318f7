"""循环神经网络：RNNCell、多层 RNN、嵌入层、hello → ohlol、GRU 单元。"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """h' = tanh(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)，每个时间步共享同一组权重。"""
    return torch.tanh(torch.addmm(b_ih, x, w_ih.t()) + torch.addmm(b_hh, h, w_hh.t()))


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """多层 RNN：第 l 层在 t 时刻的输入是第 l−1 层在 t 时刻的输出。"""
    seq_len, batch = x.shape[0], x.shape[1]
    hidden = h0.shape[2]
    层输入 = x
    最后隐藏 = []
    for 层, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        输出 = x.new_empty(seq_len, batch, hidden)          # 预先分配，逐步写入（原地操作在自己建的张量上）
        h = h0[层]
        for t in range(seq_len):
            h = rnn_cell(层输入[t], h, w_ih, w_hh, b_ih, b_hh)
            输出[t] = h
        最后隐藏.append(h)
        层输入 = 输出
    return 层输入, torch.stack(最后隐藏)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """嵌入层：相当于 one_hot(idx) @ weight，但直接取行，比 one-hot 省得多（降维）。"""
    独热 = (idx.unsqueeze(-1) == torch.arange(weight.shape[0], device=idx.device)).to(weight.dtype)
    return 独热 @ weight


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """每个字符在词表中的位置，例如 encode_chars("hello", "ehlo") = [1, 0, 2, 2, 3]。"""
    词表 = "".join(vocab)
    return torch.tensor([词表.find(c) for c in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    """课上的例子：把 "hello" 变成 "ohlol"。输入先 one-hot（或嵌入），过 RNN，再线性层得到每步的分数。"""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.emb = None if embed_dim is None else nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.RNN(input_size=vocab_size if embed_dim is None else embed_dim,
                          hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.emb is None:
            x = torch.zeros(*idx.shape, self.vocab_size, device=idx.device, dtype=self.fc.weight.dtype)
            x.scatter_(-1, idx.unsqueeze(-1), 1.0)
        else:
            x = self.emb(idx)
        hidden = torch.zeros(1, idx.shape[1], self.hidden_size, device=idx.device, dtype=self.fc.weight.dtype)
        out, _ = self.rnn(x, hidden)
        return self.fc(out)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """GRU：重置门 r、更新门 z、候选状态 n。"""
    w_ir, w_iz, w_in = w_ih.chunk(3, 0)
    w_hr, w_hz, w_hn = w_hh.chunk(3, 0)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    r = torch.sigmoid(x @ w_ir.T + b_ir + h @ w_hr.T + b_hr)
    z = torch.sigmoid(x @ w_iz.T + b_iz + h @ w_hz.T + b_hz)
    n = torch.tanh(x @ w_in.T + b_in + r * (h @ w_hn.T + b_hn))
    return (1 - z) * n + z * h


if __name__ == "__main__":
    torch.manual_seed(0)
    词表 = "ehlo"
    输入 = encode_chars("hello", 词表).unsqueeze(1)       # (5, 1)
    标签 = encode_chars("ohlol", 词表)
    模型 = HelloRNN(4, 8)
    优化器 = torch.optim.Adam(模型.parameters(), lr=0.1)
    损失函数 = nn.CrossEntropyLoss()
    for epoch in range(30):
        输出 = 模型(输入).view(-1, 4)
        loss = 损失函数(输出, 标签)
        优化器.zero_grad()
        loss.backward()
        优化器.step()
        print(epoch, loss.item(), "".join(词表[i] for i in 输出.argmax(1).tolist()))
