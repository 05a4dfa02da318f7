"""循环神经网络（RNN）：RNNCell、多层 RNN、嵌入层、hello → ohlol、GRU 单元。

h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)，每个时间步共用同一组权重（权重共享）。
``if __name__ == "__main__":`` 里训练 hello → ohlol（只在直接运行时执行）。
"""

from __future__ import annotations

from typing import Sequence

import torch
from torch import Tensor, nn


def rnn_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """一步 RNN：两个仿射变换相加后过 tanh。"""
    return torch.tanh(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh)


def rnn_forward(x: Tensor, h0: Tensor, params: Sequence[tuple[Tensor, Tensor, Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    """多层 RNN（seq-first）：第 l 层在 t 时刻的输入是第 l − 1 层在 t 时刻的输出。"""
    序列长度 = x.shape[0]
    当前输入 = x
    各层最后 = []
    for 层, (w_ih, w_hh, b_ih, b_hh) in enumerate(params):
        h = h0[层]
        输出 = []
        for t in range(序列长度):
            h = rnn_cell(当前输入[t], h, w_ih, w_hh, b_ih, b_hh)
            输出.append(h)
        当前输入 = torch.stack(输出)            # (seq_len, batch, hidden)
        各层最后.append(h)
    return 当前输入, torch.stack(各层最后)         # output, h_n (num_layers, batch, hidden)


def embedding_lookup(weight: Tensor, idx: Tensor) -> Tensor:
    """嵌入层（相比 one-hot 降维）：取 weight 中 idx 指定的行；重复下标的梯度会累加。"""
    return weight[idx]


def encode_chars(text: str, vocab: str | Sequence[str]) -> Tensor:
    """字符 → 在词表中的位置（int64）。"""
    字典 = {字: 位置 for 位置, 字 in enumerate(vocab)}
    return torch.tensor([字典[字] for 字 in text], dtype=torch.int64)


class HelloRNN(nn.Module):
    """课上的字符模型：输入先 one-hot（或经过 nn.Embedding），再进 RNN，最后线性层输出各字符得分。"""

    def __init__(self, vocab_size: int, hidden_size: int, embed_dim: int | None = None) -> None:
        super().__init__()
        self.词表大小 = vocab_size
        self.嵌入 = nn.Embedding(vocab_size, embed_dim) if embed_dim is not None else None
        输入维度 = embed_dim if embed_dim is not None else vocab_size
        self.rnn = nn.RNN(input_size=输入维度, hidden_size=hidden_size, num_layers=1)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx: Tensor) -> Tensor:
        if self.嵌入 is not None:
            x = self.嵌入(idx)
        else:
            x = nn.functional.one_hot(idx, self.词表大小).to(self.fc.weight.dtype)   # 独热向量
        输出, _ = self.rnn(x)
        return self.fc(输出)                   # (seq_len, batch, vocab_size)


def gru_cell(x: Tensor, h: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> Tensor:
    """GRU 单元（课外）：门的顺序是 reset、update、new，和 nn.GRUCell 一致。"""
    重置_i, 更新_i, 新_i = (x @ w_ih.T + b_ih).chunk(3, dim=1)
    重置_h, 更新_h, 新_h = (h @ w_hh.T + b_hh).chunk(3, dim=1)
    r = torch.sigmoid(重置_i + 重置_h)
    z = torch.sigmoid(更新_i + 更新_h)
    n = torch.tanh(新_i + r * 新_h)
    return (1 - z) * n + z * h


if __name__ == "__main__":
    torch.manual_seed(0)
    词表 = "ehlo"
    输入 = encode_chars("hello", 词表).unsqueeze(1)        # (5, 1)
    目标 = encode_chars("ohlol", 词表)
    模型 = HelloRNN(4, 8)
    优化器 = torch.optim.Adam(模型.parameters(), lr=0.1)
    损失函数 = nn.CrossEntropyLoss()
    for 轮 in range(15):
        优化器.zero_grad()
        得分 = 模型(输入).squeeze(1)
        损失 = 损失函数(得分, 目标)
        损失.backward()
        优化器.step()
        预测 = "".join(词表[i] for i in 得分.argmax(1).tolist())
        print(轮, 预测, round(损失.item(), 4))
    torch.save(模型.state_dict(), "hello_rnn.pt")
